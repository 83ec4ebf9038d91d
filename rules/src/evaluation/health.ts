/** Rule health as Prometheus reports it in /api/v1/rules. */

/** Health of one rule after its last evaluation. */
export type RuleHealth = 'unknown' | 'ok' | 'err';

/** What a rule exposes about its last evaluation. */
export interface RuleStatus {
  readonly health: RuleHealth;
  /** The last evaluation's error text, '' when it succeeded. */
  readonly lastError: string;
  /** When the rule was last evaluated, ms since the epoch; 0 before the first evaluation. */
  readonly lastEvaluationMs: number;
  /** How long the last evaluation took, ms. */
  readonly evaluationDurationMs: number;
}
