import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatConfigError, loadConfigFile, parseConfig } from '@hlmon/scraper';

function errorsOf(text: string, env: Record<string, string> = {}): string[] {
  const r = parseConfig(text, 'hlmon.yml', { env });
  return (r.errors ?? []).map(formatConfigError);
}

describe('config loader', () => {
  it('fills Prometheus defaults for a minimal scrape config', () => {
    const r = parseConfig('scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [localhost:9100]\n', 'hlmon.yml', { env: {} });
    const job = r.config!.scrapeConfigs[0]!;
    expect(job.scrapeIntervalMs).to.equal(60_000);
    expect(job.scrapeTimeoutMs).to.equal(10_000);
    expect(job.metricsPath).to.equal('/metrics');
    expect(job.scheme).to.equal('http');
    expect(job.honorLabels).to.equal(false);
    expect(job.honorTimestamps).to.equal(true);
    expect(job.staticConfigs[0]!.targets).to.deep.equal(['localhost:9100']);
  });

  it('accepts a scrape section pasted from prometheus.yml', () => {
    const text = `
global:
  scrape_interval: 15s
  external_labels: { site: home }
scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params: { module: [http_2xx] }
    scheme: https
    basic_auth: { username: u, password: p }
    tls_config: { insecure_skip_verify: true, server_name: nas.lan }
    static_configs:
      - targets: ['https://example.org']
        labels: { env: prod }
    file_sd_configs:
      - files: [targets/*.json]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:9115
      - source_labels: [instance]
        modulus: 4
        target_label: __tmp_hash
        action: hashmod
      - regex: __meta_(.+)
        action: labelmap
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: go_.*
        action: drop
    honor_labels: true
    sample_limit: 1000
    body_size_limit: 10MB
`;
    const r = parseConfig(text, 'prometheus.yml', { env: {} });
    expect(r.errors?.map(formatConfigError)).to.equal(undefined);
    const job = r.config!.scrapeConfigs[0]!;
    expect(job.scrapeIntervalMs).to.equal(15_000);
    expect(job.params).to.deep.equal({ module: ['http_2xx'] });
    expect(job.relabelConfigs.map((c) => c.action)).to.deep.equal(['replace', 'replace', 'replace', 'hashmod', 'labelmap']);
    expect(job.bodySizeLimitBytes).to.equal(10 * 1024 * 1024);
    expect(job.tls.serverName).to.equal('nas.lan');
  });

  it('reports every error at once with file, line, column and key', () => {
    const text = [
      'global:',
      '  scrape_interval: 15x',
      'scrape_configs:',
      '  - job_name: a',
      '    scrape_intervall: 5s',
      '    relabel_configs:',
      '      - action: explode',
      '  - job_name: a',
      'checks:',
      '  - name: web',
      '    type: ftp',
      '    target: x',
    ].join('\n');
    expect(errorsOf(text)).to.deep.equal([
      'hlmon.yml:2:20: global.scrape_interval: invalid duration "15x": expected a unit (y, w, d, h, m, s, ms) at offset 2',
      'hlmon.yml:7:17: scrape_configs[0].relabel_configs[0].action: unknown relabel action "explode" (one of replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase)',
      'hlmon.yml:5:5: scrape_configs[0].scrape_intervall: unknown key "scrape_intervall"',
      'hlmon.yml:8:5: scrape_configs[1].job_name: found multiple scrape configs with job name "a"',
      'hlmon.yml:11:11: checks[0].type: check type must be one of http, tcp, dns, got "ftp"',
    ]);
  });

  it('rejects an explicit scrape timeout longer than the interval', () => {
    expect(errorsOf('scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n')).to.deep.equal([
      'hlmon.yml:4:21: scrape_configs[0].scrape_timeout: scrape timeout greater than scrape interval for scrape config with job name "a"',
    ]);
  });

  it('caps an inherited scrape timeout at a shorter job interval', () => {
    const r = parseConfig('scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n', 'hlmon.yml', { env: {} });
    expect(r.config!.scrapeConfigs[0]!.scrapeTimeoutMs).to.equal(5000);
  });

  it('substitutes environment variables and reports unset ones', () => {
    const r = parseConfig('storage:\n  url: postgres://u:${PGPASS}@db/hlmon\n', 'hlmon.yml', { env: { PGPASS: 's3cret' } });
    expect(r.config!.storage.url).to.equal('postgres://u:s3cret@db/hlmon');
    expect(errorsOf('storage:\n  url: postgres://u:${PGPASS}@db/hlmon\n')).to.deep.equal([
      'hlmon.yml:2:8: storage.url: environment variable PGPASS is not set',
    ]);
  });

  it('reports a YAML syntax error with its position', () => {
    const errs = errorsOf('scrape_configs:\n  - job_name: [a\n');
    expect(errs).to.have.length.greaterThan(0);
    expect(errs[0]).to.match(/^hlmon\.yml:\d+:\d+: YAML syntax: /);
  });

  it('validates relabel rules as Prometheus does', () => {
    expect(errorsOf([
      'scrape_configs:',
      '  - job_name: a',
      '    relabel_configs:',
      '      - action: hashmod',
      '        source_labels: [x]',
      '        target_label: y',
      '      - action: labeldrop',
      '        regex: x',
      '        target_label: y',
      '      - action: replace',
      '        regex: "(unclosed"',
    ].join('\n'))).to.deep.equal([
      'hlmon.yml:4:9: scrape_configs[0].relabel_configs[0]: relabel configuration for hashmod requires non-zero modulus',
      'hlmon.yml:7:9: scrape_configs[0].relabel_configs[1]: labeldrop action requires only \'regex\', and no other fields',
      'hlmon.yml:11:16: scrape_configs[0].relabel_configs[2].regex: invalid regex: Invalid regular expression: /^(?:(unclosed)$/: Unterminated group',
      'hlmon.yml:10:9: scrape_configs[0].relabel_configs[2]: relabel configuration for replace action requires \'target_label\' value',
    ]);
  });

  it('keeps the alerting section raw with its position for the rules package', () => {
    const r = parseConfig('alerting:\n  route:\n    receiver: mail\nrule_files: ["rules/*.yml"]\n', 'hlmon.yml', { env: {} });
    expect(r.config!.alerting!.value).to.deep.equal({ route: { receiver: 'mail' } });
    expect(r.config!.alerting!.line).to.equal(2);
    expect(r.config!.ruleFiles).to.deep.equal(['rules/*.yml']);
  });

  it('reads checks of every type with their settings', () => {
    const r = parseConfig([
      'checks:',
      '  - { name: web, type: http, target: "https://nas.lan/", interval: 30s, http: { valid_status_codes: [200, 204], keyword: OK } }',
      '  - { name: ssh, type: tcp, target: "nas.lan:22", tcp: { query_response: [{ expect: "^SSH-2.0-" }] } }',
      '  - { name: dns, type: dns, target: nas.lan, dns: { query_type: A, valid_answers: ["^192\\\\.168\\\\."] } }',
    ].join('\n'), 'hlmon.yml', { env: {} });
    expect(r.errors?.map(formatConfigError)).to.equal(undefined);
    expect(r.config!.checks.map((c) => c.type)).to.deep.equal(['http', 'tcp', 'dns']);
    expect(r.config!.checks[0]!.http!.validStatusCodes).to.deep.equal([200, 204]);
    expect(r.config!.checks[1]!.tcp!.queryResponse[0]!.expect!.test('SSH-2.0-OpenSSH')).to.equal(true);
  });

  it('reports an unreadable file as an error instead of throwing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-config-'));
    const r = await loadConfigFile(path.join(dir, 'missing.yml'));
    expect(r.errors![0]!.message).to.match(/cannot read config file/);
    await writeFile(path.join(dir, 'ok.yml'), 'global: { scrape_interval: 10s }\n');
    expect((await loadConfigFile(path.join(dir, 'ok.yml'))).config!.global.scrapeIntervalMs).to.equal(10_000);
  });
});
