/**
 * Relabeling with Prometheus 2.42 semantics (model/relabel/relabel.go): the same actions, defaults,
 * anchored RE2-style regexes, `$1` / `${name}` expansion as Go's Regexp.Expand, and hashmod over the
 * last eight bytes of the MD5 digest.
 */
import { createHash } from 'node:crypto';
import { isValidLabelName, type Labels, LabelsBuilder } from '@hlmon/model';

/** The relabel actions Prometheus 2.42 knows. */
export const RELABEL_ACTIONS = [
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
] as const;

/** One relabel action. */
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** A validated relabel rule, defaults filled in, regex compiled. */
export interface RelabelConfig {
  /** Labels whose values are joined with `separator` to form the input. */
  readonly sourceLabels: readonly string[];
  /** Joins source label values; default `;`. */
  readonly separator: string;
  /** The regex source as written (default `(.*)`). */
  readonly regexSource: string;
  /** The compiled, anchored regex. */
  readonly regex: RegExp;
  /** Hash modulus for `hashmod`. */
  readonly modulus: number;
  /** Label to write (may contain `$1` references for `replace`). */
  readonly targetLabel: string;
  /** Replacement template; default `$1`. */
  readonly replacement: string;
  /** What to do. */
  readonly action: RelabelAction;
}

/**
 * Converts an RE2 pattern to an anchored JavaScript RegExp. RE2's `(?P<name>` becomes `(?<name>`;
 * everything else that RE2 accepts and JavaScript reads differently is rare in relabel configs.
 */
export function compileRelabelRegex(source: string): RegExp {
  const js = source.replace(/\(\?P</g, '(?<');
  return new RegExp(`^(?:${js})$`);
}

/**
 * Expands `$1`, `${1}`, `$name`, `${name}` and `$$` like Go's Regexp.Expand: a bare `$` reference takes
 * the longest run of word characters, so `$1x` refers to a group named `1x` (which is empty).
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) { out += c; i++; continue; }
    const next = template[i + 1]!;
    if (next === '$') { out += '$'; i += 2; continue; }
    let name: string;
    let end: number;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      name = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^\w+$/.test(name)) { out += c; i++; continue; }
      end = close + 1;
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (!m) { out += c; i++; continue; }
      name = m[0];
      end = i + 1 + name.length;
    }
    if (/^\d+$/.test(name)) out += match[Number(name)] ?? '';
    else out += match.groups?.[name] ?? '';
    i = end;
  }
  return out;
}

/** Prometheus's hashmod: the last 8 bytes of MD5(value) as a big-endian uint64, modulo `modulus`. */
export function hashmod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value, 'utf8').digest();
  return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
}

/**
 * Applies the rules to a builder in place. Returns false when the series or target is dropped.
 * A builder is used so target relabeling and metric relabeling can avoid building Labels per step.
 */
export function relabelBuilder(lb: LabelsBuilder, rules: readonly RelabelConfig[]): boolean {
  for (const cfg of rules) {
    let val = '';
    for (let i = 0; i < cfg.sourceLabels.length; i++) {
      if (i > 0) val += cfg.separator;
      val += lb.get(cfg.sourceLabels[i]!);
    }
    switch (cfg.action) {
      case 'drop':
        if (cfg.regex.test(val)) return false;
        break;
      case 'keep':
        if (!cfg.regex.test(val)) return false;
        break;
      case 'dropequal':
        if (lb.get(cfg.targetLabel) === val) return false;
        break;
      case 'keepequal':
        if (lb.get(cfg.targetLabel) !== val) return false;
        break;
      case 'replace': {
        const m = cfg.regex.exec(val);
        // A regex that does not match leaves the labels unchanged.
        if (!m) break;
        const target = expandTemplate(cfg.targetLabel, m);
        if (!isValidLabelName(target)) break;
        const res = expandTemplate(cfg.replacement, m);
        if (res === '') lb.del(target);
        else lb.set(target, res);
        break;
      }
      case 'lowercase':
        lb.set(cfg.targetLabel, val.toLowerCase());
        break;
      case 'uppercase':
        lb.set(cfg.targetLabel, val.toUpperCase());
        break;
      case 'hashmod':
        lb.set(cfg.targetLabel, String(hashmod(val, cfg.modulus)));
        break;
      case 'labelmap':
        // Prometheus iterates the labels as they were before this rule, so snapshot the names first.
        for (const name of lb.names()) {
          const m = cfg.regex.exec(name);
          if (m) lb.set(expandTemplate(cfg.replacement, m), lb.get(name));
        }
        break;
      case 'labeldrop':
        for (const name of lb.names()) if (cfg.regex.test(name)) lb.del(name);
        break;
      case 'labelkeep':
        for (const name of lb.names()) if (!cfg.regex.test(name)) lb.del(name);
        break;
    }
  }
  return true;
}

/** Applies the rules to a label set; returns undefined when dropped. */
export function relabel(labels: Labels, rules: readonly RelabelConfig[]): Labels | undefined {
  if (rules.length === 0) return labels;
  const lb = new LabelsBuilder(labels);
  return relabelBuilder(lb, rules) ? lb.labels() : undefined;
}
