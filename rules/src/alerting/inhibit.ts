/** Inhibit rules: a firing source alert mutes target alerts that share the `equal` labels. */
import type { Labels, Matcher } from '@hlmon/model';
import { matchLabels } from './matchers.js';

/** One inhibit rule. */
export interface InhibitRule {
  readonly sourceMatchers: readonly Matcher[];
  readonly targetMatchers: readonly Matcher[];
  readonly equal: readonly string[];
}

/** Decides inhibition against the current set of firing alerts. */
export class Inhibitor {
  constructor(private readonly rules: readonly InhibitRule[]) {}

  /** True when some rule's firing source alert (other than `target` itself) inhibits `target`. */
  inhibits(target: Labels, firing: Iterable<Labels>): boolean {
    for (const r of this.rules) {
      if (!matchLabels(r.targetMatchers, target)) continue;
      const targetIsSource = matchLabels(r.sourceMatchers, target);
      for (const src of firing) {
        if (!matchLabels(r.sourceMatchers, src)) continue;
        // An alert that matches both sides must not inhibit itself (Alertmanager's rule).
        if (targetIsSource && src.key === target.key) continue;
        if (r.equal.every((n) => src.get(n) === target.get(n))) return true;
      }
    }
    return false;
  }
}
