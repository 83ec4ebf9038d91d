/** Rule files are validated apart from evaluation, with every error at once and its line and column. */
import { expect } from 'chai';
import { parseRuleFile, parseDuration, formatDuration, defaultExprValidator } from '@hlmon/rules';

describe('rule file validation', () => {
  it('parses groups and rules with durations, labels and annotations', () => {
    const r = parseRuleFile(`groups:
  - name: g
    interval: 30s
    query_offset: 1m
    limit: 10
    labels: { team: infra }
    rules:
      - alert: A
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels: { severity: page }
        annotations: { summary: "x" }
      - record: job:up:sum
        expr: sum by (job) (up)
`, 'f.yml', defaultExprValidator);
    expect(r.errors).to.deep.equal([]);
    const g = r.groups[0]!;
    expect(g).to.include({ name: 'g', intervalMs: 30_000, queryOffsetMs: 60_000, limit: 10 });
    expect(g.labels).to.deep.equal({ team: 'infra' });
    expect(g.rules[0]).to.include({ kind: 'alert', name: 'A', forMs: 300_000, keepFiringForMs: 60_000 });
    expect(g.rules[1]).to.include({ kind: 'record', name: 'job:up:sum' });
  });

  it('reports every problem of a file in one pass, each at its line and column', () => {
    const r = parseRuleFile(`groups:
  - name: g
    rules:
      - alert: A
        expr: up ==
        for: 5x
        colour: red
      - record: r
        expr: up
        annotations: { a: b }
  - name: g
    rules: []
`, 'f.yml', defaultExprValidator);
    const where = r.errors.map((e) => `${e.line}:${e.column}`);
    expect(where).to.deep.equal(['5:15', '6:14', '7:9', '10:22', '11:11']);
    expect(r.errors.map((e) => e.message).join('\n')).to.match(/could not parse expression[\s\S]*not a valid duration[\s\S]*field colour not found[\s\S]*invalid field 'annotations' in recording rule[\s\S]*is repeated/);
  });

  it('rejects a rule with both record and alert, and one with neither', () => {
    const r = parseRuleFile('groups:\n  - name: g\n    rules:\n      - { record: a, alert: b, expr: up }\n      - { expr: up }\n', 'f.yml');
    expect(r.errors.map((e) => e.message)).to.deep.equal([
      'group "g", rule 1, "b": only one of \'record\' and \'alert\' must be set',
      'group "g", rule 2, "": one of \'record\' or \'alert\' must be set',
    ]);
  });

  it('reports YAML syntax errors with their position instead of throwing', () => {
    const r = parseRuleFile('groups:\n  - name: [unclosed\n', 'f.yml');
    expect(r.errors).to.have.length.greaterThan(0);
    expect(r.errors[0]!.message).to.match(/^yaml:/);
    expect(r.errors[0]!.line).to.be.greaterThan(0);
  });

  it('parses and prints Prometheus durations', () => {
    expect(parseDuration('1h30m')).to.equal(5_400_000);
    expect(parseDuration('1d')).to.equal(86_400_000);
    expect(parseDuration('0')).to.equal(0);
    expect(formatDuration(5_400_000)).to.equal('1h30m');
    expect(formatDuration(0)).to.equal('0s');
    expect(() => parseDuration('5 minutes')).to.throw('not a valid duration string: "5 minutes"');
  });
});
