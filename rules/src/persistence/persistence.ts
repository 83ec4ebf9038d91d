/**
 * What rules and alerting persist, as an interface: alert state (so a restart neither loses a pending `for`
 * timer nor re-sends firing alerts early), silences, the notification log and delivery outcomes. The SQL
 * implementation is in sql-persistence.ts; MemoryPersistence is a real in-process implementation for tests
 * and the benchmark.
 */
import type { ActiveAlert } from '../evaluation/alert-state.js';
import type { Silence } from '../alerting/silences.js';
import type { NotificationLogEntry } from '../alerting/notification-log.js';
import type { DeliveryOutcome } from '../notifiers/notifier.js';

/** The persisted alerts of one alerting rule. */
export interface RuleAlertState {
  /** `file;group` as Prometheus names groups. */
  readonly groupKey: string;
  /** `index:name` of the rule within its group. */
  readonly ruleKey: string;
  readonly alerts: readonly ActiveAlert[];
}

/**
 * Durable state of the rules and alerting subsystem. Implementations must be safe for concurrent calls;
 * each method is atomic on its own.
 */
export interface RulesPersistence {
  /** Every rule's persisted alerts. */
  loadAlertStates(): Promise<RuleAlertState[]>;
  /** Replaces the persisted alerts of one rule (an empty list deletes them). */
  saveAlertState(state: RuleAlertState): Promise<void>;
  /** Every silence, including expired ones still retained. */
  loadSilences(): Promise<Silence[]>;
  /** Inserts or replaces a silence by id. */
  saveSilence(silence: Silence): Promise<void>;
  /** Every notification-log entry. */
  loadNotificationLog(): Promise<NotificationLogEntry[]>;
  /** Inserts or replaces the entry for (receiver, groupKey). */
  saveNotificationLogEntry(entry: NotificationLogEntry): Promise<void>;
  /** Appends a delivery outcome. */
  recordDelivery(outcome: DeliveryOutcome): Promise<void>;
  /** The latest delivery outcomes, newest first. */
  recentDeliveries(limit: number): Promise<DeliveryOutcome[]>;
}
