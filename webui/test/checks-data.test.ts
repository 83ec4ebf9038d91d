import { expect } from 'chai';
import { checkStatus, mergeChecks, patchCheck, RecentResults, type CheckRow, type ConfiguredCheck } from '../src/checks-data.js';

const beats = (v: number | null) => new Array<number | null>(61).fill(v);
const row = (check: string, over: Partial<CheckRow> = {}): CheckRow => ({
  check, instance: `http://${check}`, up: true, durationSeconds: 0.05, uptime24h: 1, uptime7d: 1,
  certExpiresInSeconds: null, httpStatus: 200, heartbeats: beats(1), ...over,
});
const configured = (name: string, over: Partial<ConfiguredCheck> = {}): ConfiguredCheck => ({
  name, type: 'http', target: `http://${name}`, intervalSeconds: 30, timeoutSeconds: 10, paused: false, lastError: null, ...over,
});

describe('checks data: probe rows joined with the configured checks', () => {
  it('shows a paused check as paused, keeping its history but not its last response time', () => {
    const [r] = mergeChecks([row('a', { stale: true })], [configured('a', { paused: true, up: null })]);
    expect(checkStatus(r!)).to.equal('paused');
    expect(r!.durationSeconds).to.equal(null);
    expect(r!.uptime24h).to.equal(1);
    expect(r!.heartbeats.filter((b) => b === 1)).to.have.length(61);
  });

  it('drops the response time of a paused check whose series are not stale yet', () => {
    const [r] = mergeChecks([row('a')], [configured('a', { paused: true })]);
    expect(checkStatus(r!)).to.equal('paused');
    expect(r!.durationSeconds).to.equal(null);
  });

  it('uses the scraper\'s last result for a check whose first sample is not queryable yet', () => {
    const [r] = mergeChecks([], [configured('a', { up: true, lastCheckMs: Date.now(), responseTimeMs: 37 })]);
    expect(checkStatus(r!)).to.equal('up');
    expect(r!.durationSeconds).to.equal(0.037);
    expect(r!.heartbeats[60]).to.equal(1);
  });

  it('says pending for a configured check that has not run, and for a resumed one with only old history', () => {
    const rows = mergeChecks([row('b', { stale: true })], [configured('a', { up: null }), configured('b', { up: null })]);
    expect(rows.map(checkStatus)).to.deep.equal(['pending', 'pending']);
    expect(rows[1]!.uptime24h).to.equal(1);
  });

  it('leaves out history of checks that are no longer configured, and of every check on a server without check management', () => {
    expect(mergeChecks([row('gone', { stale: true }), row('a')], [configured('a')]).map((r) => r.check)).to.deep.equal(['a']);
    expect(mergeChecks([row('gone', { stale: true }), row('a')], null).map((r) => r.check)).to.deep.equal(['a']);
  });

  it('keeps one row per check when its target changed: the current one', () => {
    const rows = mergeChecks([row('a', { instance: 'old', stale: true }), row('a', { instance: 'new' })], [configured('a', { target: 'new' })]);
    expect(rows.map((r) => r.instance)).to.deep.equal(['new']);
  });
});

describe('checks data: streamed results and reloads', () => {
  const event = (name: string, up: boolean, lastCheckMs: number) => ({ name, target: `http://${name}`, up, lastCheckMs, responseTimeMs: 21, lastError: null });

  it('applies a result that arrived while a reload was on its way', () => {
    const recent = new RecentResults();
    recent.record(event('a', true, 2000), 1500);
    const [r] = recent.applyTo(mergeChecks([], [configured('a', { up: null })]), 1000);
    expect(checkStatus(r!)).to.equal('up');
    expect(r!.durationSeconds).to.equal(0.021);
  });

  it('does not apply a result that arrived before the reload started, nor one older than the row\'s', () => {
    const recent = new RecentResults();
    recent.record(event('a', true, 2000), 500);
    recent.record(event('b', false, 2000), 1500);
    const rows = recent.applyTo(mergeChecks([], [configured('a', { up: null }), configured('b', { up: true, lastCheckMs: 3000 })]), 1000);
    expect(rows.map(checkStatus)).to.deep.equal(['pending', 'up']);
  });

  it('does not bring back a deleted check or wake a paused one', () => {
    const recent = new RecentResults();
    recent.record(event('gone', true, 2000), 1500);
    recent.record(event('p', true, 2000), 1500);
    const rows = recent.applyTo(mergeChecks([], [configured('p', { paused: true })]), 1000);
    expect(rows.map((r) => [r.check, checkStatus(r)])).to.deep.equal([['p', 'paused']]);
  });

  it('patches a row at once from the stream, clearing pending and stale', () => {
    const [r] = patchCheck(mergeChecks([row('a', { stale: true })], [configured('a', { up: null })]), event('a', false, 5000));
    expect(checkStatus(r!)).to.equal('down');
    expect(r!.stale).to.equal(false);
    expect(r!.lastCheckMs).to.equal(5000);
  });
});
