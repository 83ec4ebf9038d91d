/**
 * The dispatcher: Alertmanager's pipeline in-process. Alerts from the rule groups are stored, routed to
 * aggregation groups (group_by), flushed after group_wait and then every group_interval, muted by silences,
 * inhibit rules and time intervals, de-duplicated against the notification log (repeat_interval, resolved
 * notifications) and delivered to each integration with retries. Deliveries run concurrently per group and
 * integration, so a slow or failing receiver never holds up another receiver or rule evaluation.
 */
import type { Clock, Labels } from '@hlmon/model';
import type { AlertingConfig } from './config.js';
import type { Route } from './route.js';
import { Inhibitor } from './inhibit.js';
import type { Silences } from './silences.js';
import { NotificationLog, needsUpdate } from './notification-log.js';
import { fingerprint } from './fingerprint.js';
import type { OutgoingAlert } from '../evaluation/alerting-rule.js';
import { deliver, type DeliveryOutcome, type NotificationMessage, type RetryPolicy, type WebhookAlert } from '../notifiers/notifier.js';
import type { Receiver } from '../notifiers/registry.js';
import type { RulesPersistence } from '../persistence/persistence.js';

/** Dependencies of the dispatcher. */
export interface DispatcherDeps {
  clock: Clock;
  silences: Silences;
  persistence?: RulesPersistence;
  externalURL?: string;
  retry?: RetryPolicy;
  /** Waits between retries; injected so tests can skip real waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called with every delivery outcome (after it is persisted). */
  onDelivery?: (outcome: DeliveryOutcome) => void;
}

/** An alert as the dispatcher holds it. */
export interface StoredAlert {
  readonly labels: Labels;
  readonly fingerprint: string;
  annotations: Readonly<Record<string, string>>;
  startsAtMs: number;
  endsAtMs: number;
  generatorURL: string;
  updatedAtMs: number;
}

/** An alert with its mute status, for the API. */
export interface AlertStatus {
  readonly alert: StoredAlert;
  readonly state: 'active' | 'suppressed' | 'resolved';
  readonly silencedBy: readonly string[];
  readonly inhibited: boolean;
  readonly receivers: readonly string[];
}

interface AggrGroup {
  readonly key: string;
  readonly route: Route;
  readonly labels: Labels;
  readonly alerts: Map<string, StoredAlert>;
  nextFlushMs: number;
  hasFlushed: boolean;
  flushing: Promise<void> | undefined;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Routes alerts to receivers. Lifecycle: new → start() → put()/tick() or run(signal) → stop(). */
export class Dispatcher {
  private readonly alertsByKey = new Map<string, StoredAlert>();
  private readonly groups = new Map<string, AggrGroup>();
  private readonly nflog: NotificationLog;
  private inhibitor: Inhibitor;
  private stopped = false;
  /** The last internal failure (persistence), '' when none; exposed for health checks. */
  lastError = '';

  constructor(private config: AlertingConfig, private readonly deps: DispatcherDeps) {
    this.nflog = new NotificationLog(deps.persistence);
    this.inhibitor = new Inhibitor(config.inhibitRules);
  }

  /** Loads the notification log and silences from persistence. */
  async start(): Promise<void> {
    await this.nflog.load();
    await this.deps.silences.load();
  }

  /** Replaces the configuration; existing groups are re-routed on the next put. */
  applyConfig(config: AlertingConfig): void {
    this.config = config;
    this.inhibitor = new Inhibitor(config.inhibitRules);
    this.groups.clear();
    for (const a of this.alertsByKey.values()) this.route(a);
  }

  /** Accepts alerts (the rule groups' sink). Never blocks: delivery happens on tick(). */
  put(alerts: readonly OutgoingAlert[]): void {
    const now = this.deps.clock.now();
    for (const a of alerts) {
      const key = a.labels.key;
      let s = this.alertsByKey.get(key);
      if (s && s.endsAtMs > now) {
        // The same alert re-sent: keep the original start, take the new end and annotations.
        s.annotations = a.annotations; s.endsAtMs = a.endsAtMs; s.generatorURL = a.generatorURL; s.updatedAtMs = now;
        if (a.startsAtMs < s.startsAtMs) s.startsAtMs = a.startsAtMs;
      } else if (s && s.endsAtMs <= now && a.endsAtMs <= now) {
        s.endsAtMs = a.endsAtMs; s.annotations = a.annotations; s.updatedAtMs = now;
      } else {
        s = { labels: a.labels, fingerprint: fingerprint(a.labels), annotations: a.annotations, startsAtMs: a.startsAtMs, endsAtMs: a.endsAtMs, generatorURL: a.generatorURL, updatedAtMs: now };
        this.alertsByKey.set(key, s);
      }
      this.route(s);
    }
  }

  private route(s: StoredAlert): void {
    const now = this.deps.clock.now();
    for (const r of this.config.route.match(s.labels)) {
      const gl = r.groupLabels(s.labels);
      const key = `${r.key}:${formatLabels(gl)}`;
      let g = this.groups.get(key);
      if (!g) {
        g = { key, route: r, labels: gl, alerts: new Map(), nextFlushMs: now + r.options.groupWaitMs, hasFlushed: false, flushing: undefined };
        this.groups.set(key, g);
      }
      // An alert that has been firing longer than group_wait is sent at once, as Alertmanager does.
      if (!g.hasFlushed && s.startsAtMs + r.options.groupWaitMs < now) g.nextFlushMs = Math.min(g.nextFlushMs, now);
      g.alerts.set(s.labels.key, s);
    }
  }

  /** Flushes every group that is due and waits for those flushes. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const flushes: Promise<void>[] = [];
    for (const g of this.groups.values()) {
      if (g.flushing || g.nextFlushMs > now) continue;
      g.nextFlushMs = now + g.route.options.groupIntervalMs;
      g.flushing = this.flush(g, now).finally(() => { g.flushing = undefined; });
      flushes.push(g.flushing);
    }
    this.gc(now);
    await Promise.all(flushes);
  }

  /** Waits for running flushes. */
  async idle(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.flushing));
  }

  /** Flushes on schedule until the signal aborts or stop() is called; flushes run in the background. */
  async run(signal: AbortSignal, pollMs = 1000): Promise<void> {
    while (!signal.aborted && !this.stopped) {
      this.tick().catch((err: unknown) => { this.lastError = String((err as Error)?.message ?? err); });
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, pollMs);
        function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Stops and waits for running deliveries. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private firingLabels(now: number): Labels[] {
    const out: Labels[] = [];
    for (const a of this.alertsByKey.values()) if (a.endsAtMs > now) out.push(a.labels);
    return out;
  }

  private routeMuted(route: Route, now: number): boolean {
    const ti = this.config.timeIntervals;
    if (route.options.muteTimeIntervals.some((n) => ti.active(n, now))) return true;
    if (route.options.activeTimeIntervals.length > 0 && !route.options.activeTimeIntervals.some((n) => ti.active(n, now))) return true;
    return false;
  }

  private async flush(g: AggrGroup, now: number): Promise<void> {
    g.hasFlushed = true;
    const snapshot = [...g.alerts.values()].map((a) => ({ a, updatedAtMs: a.updatedAtMs }));
    const receiver = this.config.receivers.get(g.route.options.receiver);
    let allOk = true;
    if (receiver && !this.routeMuted(g.route, now)) {
      const firingLabels = this.firingLabels(now);
      const visible = snapshot.map((x) => x.a).filter((a) => {
        if (a.endsAtMs <= now) return true; // resolutions are never muted: the receiver must hear the end
        return this.deps.silences.mutedBy(a.labels).length === 0 && !this.inhibitor.inhibits(a.labels, firingLabels);
      });
      const results = await Promise.all(receiver.integrations.map((integ) => this.notifyIntegration(g, receiver, integ, visible, now)));
      allOk = results.every(Boolean);
    }
    if (!allOk) return;
    // Resolved alerts that were part of this notification and did not change since are done with.
    for (const { a, updatedAtMs } of snapshot) {
      if (a.endsAtMs <= now && a.updatedAtMs === updatedAtMs) g.alerts.delete(a.labels.key);
    }
    if (g.alerts.size === 0) this.groups.delete(g.key);
  }

  private async notifyIntegration(g: AggrGroup, receiver: Receiver, integ: Receiver['integrations'][number], alerts: StoredAlert[], now: number): Promise<boolean> {
    const logKey = `${receiver.name}/${integ.id}`;
    const firing = new Set<string>(), resolved = new Set<string>();
    for (const a of alerts) (a.endsAtMs <= now ? resolved : firing).add(a.fingerprint);
    const entry = this.nflog.get(logKey, g.key, now);
    if (!needsUpdate(entry, firing, resolved, integ.notifier.sendResolved, g.route.options.repeatIntervalMs, now)) return true;
    const toSend = integ.notifier.sendResolved ? alerts : alerts.filter((a) => a.endsAtMs > now);
    if (toSend.length > 0) {
      const msg = this.message(receiver.name, g, toSend, now);
      const outcome = await deliver(integ.notifier, msg, { receiver: receiver.name, integration: integ.id }, this.deps.retry ?? {}, { clock: this.deps.clock, ...(this.deps.sleep ? { sleep: this.deps.sleep } : {}) });
      await this.deps.persistence?.recordDelivery(outcome).catch(() => undefined);
      this.deps.onDelivery?.(outcome);
      if (!outcome.ok) return false;
    }
    try {
      await this.nflog.log(logKey, g.key, [...firing], [...resolved], now);
    } catch (err) {
      // The notification went out; failing to persist the log must not fail the flush or crash the loop.
      // The entry is kept in memory, so only a restart before the next successful write could repeat it.
      this.lastError = `saving notification log: ${String((err as Error).message ?? err)}`;
    }
    return true;
  }

  private message(receiver: string, g: AggrGroup, alerts: StoredAlert[], now: number): NotificationMessage {
    const sorted = [...alerts].sort((x, y) => (x.labels.key < y.labels.key ? -1 : 1));
    const wa: WebhookAlert[] = sorted.map((a) => ({
      status: a.endsAtMs <= now ? 'resolved' : 'firing', labels: a.labels.toObject(), annotations: { ...a.annotations },
      startsAt: new Date(a.startsAtMs).toISOString(), endsAt: a.endsAtMs <= now ? new Date(a.endsAtMs).toISOString() : ZERO_TIME,
      generatorURL: a.generatorURL, fingerprint: a.fingerprint,
    }));
    return {
      version: '4', groupKey: g.key, truncatedAlerts: 0, status: wa.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      receiver, groupLabels: g.labels.toObject(), commonLabels: common(wa.map((a) => a.labels)), commonAnnotations: common(wa.map((a) => a.annotations)),
      externalURL: this.deps.externalURL ?? '', alerts: wa,
    };
  }

  /** Drops resolved alerts that no group holds any more. */
  private gc(now: number): void {
    const held = new Set<string>();
    for (const g of this.groups.values()) for (const k of g.alerts.keys()) held.add(k);
    for (const [k, a] of this.alertsByKey) if (a.endsAtMs <= now && !held.has(k)) this.alertsByKey.delete(k);
  }

  /** Every known alert with its mute status. */
  alerts(): AlertStatus[] {
    const now = this.deps.clock.now();
    const firingLabels = this.firingLabels(now);
    return [...this.alertsByKey.values()].map((a) => {
      const silencedBy = this.deps.silences.mutedBy(a.labels);
      const inhibited = this.inhibitor.inhibits(a.labels, firingLabels);
      const state = a.endsAtMs <= now ? 'resolved' : silencedBy.length > 0 || inhibited ? 'suppressed' : 'active';
      return { alert: a, state, silencedBy, inhibited, receivers: this.config.route.match(a.labels).map((r) => r.options.receiver) };
    });
  }

  /** Sends a test notification to every integration of a receiver (the API's "send test notification"). */
  async sendTestNotification(receiverName: string): Promise<DeliveryOutcome[]> {
    const receiver = this.config.receivers.get(receiverName);
    if (!receiver) throw new Error(`receiver ${receiverName} not found`);
    const now = this.deps.clock.now();
    const labels = { alertname: 'TestAlert', instance: 'hlmon', severity: 'none' };
    const msg: NotificationMessage = {
      version: '4', groupKey: `{}:{alertname="TestAlert"}`, truncatedAlerts: 0, status: 'firing', receiver: receiverName,
      groupLabels: { alertname: 'TestAlert' }, commonLabels: labels, commonAnnotations: { summary: 'This is a test notification from hlmon.' },
      externalURL: this.deps.externalURL ?? '',
      alerts: [{ status: 'firing', labels, annotations: { summary: 'This is a test notification from hlmon.' }, startsAt: new Date(now).toISOString(), endsAt: ZERO_TIME, generatorURL: '', fingerprint: '0000000000000000' }],
    };
    return Promise.all(receiver.integrations.map(async (integ) => {
      const outcome = await deliver(integ.notifier, msg, { receiver: receiverName, integration: integ.id }, { ...this.deps.retry, maxAttempts: 1 }, { clock: this.deps.clock });
      await this.deps.persistence?.recordDelivery(outcome).catch(() => undefined);
      return outcome;
    }));
  }
}

function common(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

function formatLabels(l: Labels): string {
  return '{' + [...l].map((x) => `${x.name}=${JSON.stringify(x.value)}`).join(',') + '}';
}
