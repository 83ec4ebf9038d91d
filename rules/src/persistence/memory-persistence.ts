/** RulesPersistence kept in memory: survives a component restart within one process (tests, benchmarks). */
import type { RuleAlertState, RulesPersistence } from './persistence.js';
import type { Silence } from '../alerting/silences.js';
import type { NotificationLogEntry } from '../alerting/notification-log.js';
import type { DeliveryOutcome } from '../notifiers/notifier.js';
import type { ActiveAlert } from '../evaluation/alert-state.js';

/** An in-memory RulesPersistence; values are copied in and out so callers cannot alias stored state. */
export class MemoryPersistence implements RulesPersistence {
  private readonly states = new Map<string, RuleAlertState>();
  private readonly silences = new Map<string, Silence>();
  private readonly nflog = new Map<string, NotificationLogEntry>();
  private readonly deliveries: DeliveryOutcome[] = [];

  async loadAlertStates(): Promise<RuleAlertState[]> {
    return [...this.states.values()].map((s) => ({ ...s, alerts: s.alerts.map(copyAlert) }));
  }

  async saveAlertState(state: RuleAlertState): Promise<void> {
    const key = `${state.groupKey}\u0000${state.ruleKey}`;
    if (state.alerts.length === 0) this.states.delete(key);
    else this.states.set(key, { ...state, alerts: state.alerts.map(copyAlert) });
  }

  async loadSilences(): Promise<Silence[]> {
    return [...this.silences.values()].map((s) => ({ ...s }));
  }

  async saveSilence(silence: Silence): Promise<void> {
    this.silences.set(silence.id, { ...silence });
  }

  async loadNotificationLog(): Promise<NotificationLogEntry[]> {
    return [...this.nflog.values()].map((e) => ({ ...e }));
  }

  async saveNotificationLogEntry(entry: NotificationLogEntry): Promise<void> {
    this.nflog.set(`${entry.receiver}\u0000${entry.groupKey}`, { ...entry });
  }

  async recordDelivery(outcome: DeliveryOutcome): Promise<void> {
    this.deliveries.push({ ...outcome });
  }

  async recentDeliveries(limit: number): Promise<DeliveryOutcome[]> {
    return this.deliveries.slice(-limit).reverse();
  }
}

function copyAlert(a: ActiveAlert): ActiveAlert {
  return { ...a, annotations: { ...a.annotations } };
}
