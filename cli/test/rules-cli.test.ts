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
