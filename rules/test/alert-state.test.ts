/** The alert state machine as a pure function: a table of results over time and the expected states. */
import { expect } from 'chai';
import { Labels } from '@hlmon/model';
import { advanceAlerts, needsSending, RESOLVED_RETENTION_MS, type ActiveAlert } from '@hlmon/rules';

const L = Labels.from({ alertname: 'X', instance: 'a' });
const present = [{ labels: L, annotations: {}, value: 1 }];
const M = 60_000;

function run(steps: boolean[], holdMs: number, keepMs: number): string[] {
  const active = new Map<string, ActiveAlert>();
  return steps.map((p, i) => {
    advanceAlerts(active, p ? present : [], i * M, holdMs, keepMs);
    return active.get(L.key)?.state ?? 'gone';
  });
}

describe('alert state machine', () => {
  it('goes pending, then firing once `for` has elapsed, then inactive when the condition clears', () => {
    expect(run([true, true, true, false], 2 * M, 0)).to.deep.equal(['pending', 'pending', 'firing', 'inactive']);
  });

  it('fires at once when `for` is zero', () => {
    expect(run([true, false], 0, 0)).to.deep.equal(['firing', 'inactive']);
  });

  it('forgets a pending alert whose condition clears before `for`', () => {
    expect(run([true, false, true], 2 * M, 0)).to.deep.equal(['pending', 'gone', 'pending']);
  });

  it('keeps firing for keep_firing_for after the condition clears', () => {
    expect(run([true, false, false, false], 0, 2 * M)).to.deep.equal(['firing', 'firing', 'firing', 'inactive']);
  });

  it('starts a new pending period when a resolved alert returns', () => {
    const active = new Map<string, ActiveAlert>();
    advanceAlerts(active, present, 0, 0, 0);
    advanceAlerts(active, [], M, 0, 0);
    advanceAlerts(active, present, 2 * M, M, 0);
    expect(active.get(L.key)).to.include({ state: 'pending', activeAtMs: 2 * M, resolvedAtMs: 0 });
  });

  it('drops a resolved alert after the resolved retention', () => {
    const active = new Map<string, ActiveAlert>();
    advanceAlerts(active, present, 0, 0, 0);
    advanceAlerts(active, [], M, 0, 0);
    advanceAlerts(active, [], M + RESOLVED_RETENTION_MS + 1, 0, 0);
    expect(active.has(L.key)).to.equal(false);
  });

  it('re-sends a firing alert only after the resend delay and a resolution once', () => {
    const a: ActiveAlert = { labels: L, annotations: {}, state: 'firing', value: 1, activeAtMs: 0, firedAtMs: 0, resolvedAtMs: 0, lastSentAtMs: 10 * M, validUntilMs: 0, keepFiringSinceMs: 0 };
    expect(needsSending(a, 10 * M + 30_000, M)).to.equal(false);
    expect(needsSending(a, 11 * M + 1, M)).to.equal(true);
    expect(needsSending({ ...a, state: 'inactive', resolvedAtMs: 10 * M + 1 }, 10 * M + 2, M)).to.equal(true);
    expect(needsSending({ ...a, state: 'pending' }, 20 * M, M)).to.equal(false);
  });
});
