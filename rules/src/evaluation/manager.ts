/**
 * The rule manager: owns the groups, evaluates each on its interval, restores alert state after a restart
 * and keeps state of unchanged groups across reloads. Lifecycle: create(deps) → load(groups) → run(signal) → stop().
 */
import type { Clock } from '@hlmon/model';
import type { RuleGroupSpec } from '../rulefmt.js';
import { RuleGroup, type RuleGroupDeps } from './group.js';
import type { ActiveAlert } from './alert-state.js';
import { AlertingRule } from './alerting-rule.js';

/** Dependencies of the rule manager. */
export interface RuleManagerDeps extends RuleGroupDeps {
  clock: Clock;
  /** Sleeps until `ms` have passed or the signal aborts; injectable for tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Scheduled {
  group: RuleGroup;
  nextEvalMs: number;
  running: Promise<void> | undefined;
}

/** Runs rule groups. */
export class RuleManager {
  private scheduled = new Map<string, Scheduled>();
  private restoredStates: Map<string, Map<string, readonly ActiveAlert[]>> | undefined;
  private stopped = false;

  constructor(private readonly deps: RuleManagerDeps) {}

  /** The lifecycle name for `load` (DESIGN: create → applyConfig → run → stop). */
  applyConfig(groups: readonly RuleGroupSpec[]): Promise<void> {
    return this.load(groups);
  }

  /** Replaces the rule groups. Groups whose definition did not change keep their state and schedule. */
  async load(groups: readonly RuleGroupSpec[]): Promise<void> {
    if (!this.restoredStates) this.restoredStates = await this.loadPersisted();
    const next = new Map<string, Scheduled>();
    const now = this.deps.clock.now();
    for (const spec of groups) {
      const key = `${spec.file};${spec.name}`;
      const old = this.scheduled.get(key);
      if (old && sameSpec(old.group.spec, spec)) { next.set(key, old); continue; }
      const group = new RuleGroup(spec, this.deps);
      group.restore(this.restoredStates.get(key) ?? new Map());
      if (old) {
        // Carry alerts over by rule name, as Prometheus does on reload, so editing an annotation does not reset `for`.
        const byName = new Map<string, AlertingRule>();
        for (const r of old.group.rules) if (r instanceof AlertingRule) byName.set(r.name, r);
        for (const r of group.rules) {
          const prev = r instanceof AlertingRule ? byName.get(r.name) : undefined;
          if (prev && r instanceof AlertingRule) r.restore(prev.alerts());
        }
      }
      next.set(key, { group, nextEvalMs: old?.nextEvalMs ?? now, running: undefined });
    }
    this.scheduled = next;
  }

  private async loadPersisted(): Promise<Map<string, Map<string, readonly ActiveAlert[]>>> {
    const out = new Map<string, Map<string, readonly ActiveAlert[]>>();
    if (!this.deps.persistence) return out;
    for (const s of await this.deps.persistence.loadAlertStates()) {
      let m = out.get(s.groupKey);
      if (!m) out.set(s.groupKey, (m = new Map()));
      m.set(s.ruleKey, s.alerts);
    }
    return out;
  }

  /** Evaluates every group whose time has come (concurrently across groups) and waits for them. */
  async evaluateDue(): Promise<void> {
    const now = this.deps.clock.now();
    const runs: Promise<void>[] = [];
    for (const s of this.scheduled.values()) {
      if (s.running || s.nextEvalMs > now) continue;
      const ts = s.nextEvalMs;
      // Missed rounds are skipped rather than replayed, as Prometheus does after a slow evaluation.
      const missed = Math.floor((now - ts) / s.group.intervalMs);
      s.nextEvalMs = ts + (missed + 1) * s.group.intervalMs;
      s.running = s.group.evaluate(ts + missed * s.group.intervalMs).finally(() => { s.running = undefined; });
      runs.push(s.running);
    }
    await Promise.all(runs);
  }

  /** When the next group is due, ms since the epoch (Infinity without groups). */
  nextDueMs(): number {
    let next = Infinity;
    for (const s of this.scheduled.values()) next = Math.min(next, s.nextEvalMs);
    return next;
  }

  /** Evaluates groups on schedule until the signal aborts or stop() is called. */
  async run(signal: AbortSignal): Promise<void> {
    const sleep = this.deps.sleep ?? defaultSleep;
    while (!signal.aborted && !this.stopped) {
      await this.evaluateDue();
      const wait = Math.max(0, Math.min(this.nextDueMs() - this.deps.clock.now(), 1000));
      await sleep(wait, signal);
    }
  }

  /** Stops scheduling and waits for running evaluations. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.scheduled.values()].map((s) => s.running));
  }

  /** The groups, in load order. */
  groups(): RuleGroup[] {
    return [...this.scheduled.values()].map((s) => s.group);
  }
}

function sameSpec(a: RuleGroupSpec, b: RuleGroupSpec): boolean {
  const strip = (g: RuleGroupSpec) => JSON.stringify({ ...g, pos: undefined, rules: g.rules.map((r) => ({ ...r, pos: undefined })) });
  return strip(a) === strip(b);
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}
