import { expect } from 'chai';
import { runCli } from './helpers.js';

const F = 'rules/test/fixtures/promtool';

describe('hlmon rules check / test', function () {
  this.timeout(60_000);

  it('passes a valid rule file and a passing test file', async () => {
    const check = await runCli(['rules', 'check', `${F}/rules.yml`]);
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    const test = await runCli(['rules', 'test', `${F}/pass.test.yml`]);
    expect(test.code, test.stdout + test.stderr).to.equal(0);
    expect(test.stdout).to.contain('SUCCESS');
  });

  it('fails a bad rule file naming file, line and column, and a failing test', async () => {
    const check = await runCli(['rules', 'check', `${F}/bad-duration.yml`]);
    expect(check.code).to.equal(1);
    expect(check.stdout + check.stderr).to.match(/bad-duration\.yml:\d+:\d+: /);
    const test = await runCli(['rules', 'test', `${F}/fail-labels.test.yml`]);
    expect(test.code).to.equal(1);
    expect(test.stdout + test.stderr).to.contain('FAILED');
  });
});

describe('hlmon config check', function () {
  this.timeout(60_000);

  it('reports the errors of the alerting tree and of every rule file at once, with positions', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlmon-config-'));
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.copyFileSync(`${F}/bad-duration.yml`, path.join(dir, 'rules', 'bad.yml'));
    fs.copyFileSync(`${F}/rules.yml`, path.join(dir, 'rules', 'good.yml'));
    const file = path.join(dir, 'hlmon.yml');
    fs.writeFileSync(file, `global: { scrape_interval: 15s }
scrape_configs:
  - job_name: node
    static_configs: [{ targets: ['a:9100'] }]
rule_files: ['rules/*.yml']
alerting:
  route: { receiver: nobody }
  receivers: [{ name: phone }]
`);
    const r = await runCli(['config', 'check', file]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/rules\/bad\.yml:\d+:\d+: /);
    expect(r.stdout).to.contain('undefined receiver "nobody"');
  });
});
