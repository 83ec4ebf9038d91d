/** Group evaluation over a real engine and MemoryStorage: output written back, ALERTS series, health and errors. */
import { expect } from 'chai';
import { Labels, ManualClock, isStaleNaN } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { MemoryPersistence, RuleGroup, RuleManager, engineQueryFn, parseRuleFile, type OutgoingAlert } from '@hlmon/rules';

const T0 = 1_700_000_000_000;

async function setup(rules: string) {
  const storage = new MemoryStorage();
  const engine = new Engine({ querier: storage });
  const query = engineQueryFn(engine);
  const put = async (name: string, labels: Record<string, string>, t: number, v: number) => {
    const app = storage.appender();
    app.append(Labels.from({ __name__: name, ...labels }), t, v);
    await app.commit();
  };
  const sent: OutgoingAlert[] = [];
  const spec = parseRuleFile(rules, 'r.yml').groups[0]!;
  const group = new RuleGroup(spec, { query, appender: () => storage.appender(), sink: (a) => sent.push(...a), externalLabels: { site: 'home' } });
  const read = async (expr: string, t: number) => (await query(expr, t)).map((s) => [s.labels.toString(), s.v]);
  return { storage, group, put, read, sent, query };
}

describe('rule group evaluation', () => {
  it('writes recording rule output back under the new name with the rule labels', async () => {
    const s = await setup('groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n        labels: { source: rule }\n');
    await s.put('up', { job: 'node', instance: 'a' }, T0, 1);
    await s.put('up', { job: 'node', instance: 'b' }, T0, 1);
    await s.group.evaluate(T0);
    expect(await s.read('job:up:sum', T0)).to.deep.equal([['job:up:sum{job="node", source="rule"}', 2]]);
    expect(s.group.rules[0]!.status()).to.include({ health: 'ok', lastError: '', lastEvaluationMs: T0 });
  });

  it('writes ALERTS and ALERTS_FOR_STATE for pending and firing alerts', async () => {
    const s = await setup('groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n        for: 1m\n');
    await s.put('up', { instance: 'a' }, T0, 0);
    await s.put('up', { instance: 'a' }, T0 + 60_000, 0);
    await s.group.evaluate(T0);
    expect(await s.read('ALERTS', T0)).to.deep.equal([['ALERTS{alertname="Down", alertstate="pending", instance="a"}', 1]]);
    expect(await s.read('ALERTS_FOR_STATE', T0)).to.deep.equal([['ALERTS_FOR_STATE{alertname="Down", instance="a"}', T0 / 1000]]);
    await s.group.evaluate(T0 + 60_000);
    expect(await s.read('ALERTS', T0 + 60_000)).to.deep.equal([['ALERTS{alertname="Down", alertstate="firing", instance="a"}', 1]]);
  });

  it('hands firing alerts to the sink with external labels added and the rule expression as generator URL', async () => {
    const s = await setup('groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n');
    await s.put('up', { instance: 'a' }, T0, 0);
    await s.group.evaluate(T0);
    expect(s.sent).to.have.length(1);
    expect(s.sent[0]!.labels.toObject()).to.deep.equal({ alertname: 'Down', instance: 'a', site: 'home' });
    expect(s.sent[0]!.generatorURL).to.contain(encodeURIComponent('up == 0'));
  });

  it('writes a stale marker when a recorded series disappears', async () => {
    const s = await setup('groups:\n  - name: g\n    rules:\n      - record: x:up\n        expr: up\n');
    await s.put('up', { instance: 'a' }, T0, 1);
    await s.group.evaluate(T0);
    await s.group.evaluate(T0 + 600_000);
    const series = await s.storage.select([], { start: T0, end: T0 + 600_000 });
    const recorded = series.find((x) => x.labels.metricName === 'x:up')!;
    expect(recorded.samples.map((p) => [p.t, isStaleNaN(p.v)])).to.deep.equal([[T0, false], [T0 + 600_000, true]]);
  });

  it('records a failing rule\'s health and error and keeps evaluating the rules after it', async () => {
    const s = await setup('groups:\n  - name: g\n    rules:\n      - record: dup\n        expr: sum by (instance) (up)\n        labels: { instance: all }\n      - record: ok:up\n        expr: up\n');
    await s.put('up', { instance: 'a' }, T0, 1);
    await s.put('up', { instance: 'b' }, T0, 1);
    await s.group.evaluate(T0);
    expect(s.group.rules[0]!.status()).to.include({ health: 'err', lastError: 'vector contains metrics with the same labelset after applying rule labels' });
    expect(s.group.rules[1]!.status().health).to.equal('ok');
    expect(s.group.status().lastEvaluationMs).to.equal(T0);
  });

  it('fails an alerting rule that exceeds the group limit', async () => {
    const s = await setup('groups:\n  - name: g\n    limit: 1\n    rules:\n      - alert: Down\n        expr: up == 0\n');
    await s.put('up', { instance: 'a' }, T0, 0);
    await s.put('up', { instance: 'b' }, T0, 0);
    await s.group.evaluate(T0);
    expect(s.group.rules[0]!.status()).to.include({ health: 'err', lastError: 'exceeded limit of 1 with 2 alerts' });
  });

  it('evaluates with query_offset in the past', async () => {
    const s = await setup('groups:\n  - name: g\n    query_offset: 5m\n    rules:\n      - record: old:up\n        expr: up\n');
    await s.put('up', { instance: 'a' }, T0, 7);
    await s.group.evaluate(T0 + 9 * 60_000);
    expect(await s.read('old:up', T0 + 9 * 60_000)).to.deep.equal([['old:up{instance="a"}', 7]]);
  });

  it('schedules each group on its own interval', async () => {
    const storage = new MemoryStorage();
    const engine = new Engine({ querier: storage });
    const clock = new ManualClock(T0);
    const m = new RuleManager({ clock, query: engineQueryFn(engine) });
    await m.load(parseRuleFile('groups:\n  - name: fast\n    interval: 10s\n    rules: [{ record: a, expr: "1" }]\n  - name: slow\n    interval: 1m\n    rules: [{ record: b, expr: "1" }]\n', 'r.yml').groups);
    const evals: Record<string, number[]> = { fast: [], slow: [] };
    for (let i = 0; i < 7; i++) {
      await m.evaluateDue();
      for (const g of m.groups()) if (g.status().lastEvaluationMs === clock.now()) evals[g.spec.name]!.push(clock.now() - T0);
      clock.advance(10_000);
    }
    expect(evals['fast']).to.deep.equal([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(evals['slow']).to.deep.equal([0, 60_000]);
  });

  it('keeps evaluating and reports the failure when alert state cannot be saved', async () => {
    const storage = new MemoryStorage();
    const engine = new Engine({ querier: storage });
    const persistence = new MemoryPersistence();
    persistence.saveAlertState = async () => { throw new Error('database is down'); };
    const group = new RuleGroup(parseRuleFile('groups:\n  - name: g\n    rules:\n      - alert: Always\n        expr: vector(1)\n', 'r.yml').groups[0]!, { query: engineQueryFn(engine), persistence });
    await group.evaluate(T0);
    expect(group.rules[0]!.status().health).to.equal('ok');
    expect(group.status().lastWriteError).to.equal('saving alert state: database is down');
  });

  it('keeps a pending alert\'s `for` timer when the rule file is reloaded with a changed annotation', async () => {
    const storage = new MemoryStorage();
    const engine = new Engine({ querier: storage });
    const clock = new ManualClock(T0);
    const m = new RuleManager({ clock, query: engineQueryFn(engine) });
    const file = (summary: string) => parseRuleFile(`groups:\n  - name: g\n    rules:\n      - alert: Always\n        expr: vector(1)\n        for: 5m\n        annotations: { summary: ${summary} }\n`, 'r.yml').groups;
    await m.applyConfig(file('one'));
    await m.evaluateDue();
    clock.advance(60_000);
    await m.applyConfig(file('two'));
    await m.evaluateDue();
    const rule = m.groups()[0]!.rules[0]!;
    const a = rule.kind === 'alert' ? rule.alerts()[0]! : undefined;
    expect(a).to.include({ state: 'pending', activeAtMs: T0 });
    expect(a!.annotations).to.deep.equal({ summary: 'two' });
  });
});
