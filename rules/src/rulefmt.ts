/**
 * Prometheus rule files (model/rulefmt): parsing and validation, separate from evaluation. Every problem in
 * a file is reported at once, each with file, line and column, so a user fixes a file in one pass.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import { isValidLabelName, isValidMetricName } from '@hlmon/model';
import { parseDuration } from './duration.js';
import { parseAlertTemplate } from './template/expander.js';

/** A position in a rule file, 1-based. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/** One problem found in a rule file. */
export interface RuleFileError extends SourcePos {
  readonly file: string;
  readonly message: string;
}

/** Formats an error as `file:line:column: message`. */
export function formatRuleFileError(e: RuleFileError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

/** One validated rule. */
export interface RuleSpec {
  readonly kind: 'alert' | 'record';
  /** The alert name or the recorded metric name. */
  readonly name: string;
  readonly expr: string;
  /** `for`, ms; 0 when absent. */
  readonly forMs: number;
  /** `keep_firing_for`, ms; 0 when absent. */
  readonly keepFiringForMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly pos: SourcePos;
}

/** One validated rule group. */
export interface RuleGroupSpec {
  readonly name: string;
  readonly file: string;
  /** The group's interval in ms, or undefined to use the global evaluation interval. */
  readonly intervalMs: number | undefined;
  /** How far in the past to evaluate, ms. */
  readonly queryOffsetMs: number;
  /** Maximum alerts or series the group may produce per rule; 0 means no limit. */
  readonly limit: number;
  /** Labels added to every rule's output (Prometheus 3 group labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly RuleSpec[];
  readonly pos: SourcePos;
}

/** Checks a PromQL expression; throws an Error whose message says what is wrong. */
export type ExprValidator = (expr: string) => void;

/** The outcome of loading one rule file. */
export interface RuleFileResult {
  readonly groups: RuleGroupSpec[];
  readonly errors: RuleFileError[];
}

const GROUP_KEYS = new Set(['name', 'interval', 'query_offset', 'limit', 'labels', 'rules']);
const RULE_KEYS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

/** Parses and validates rule-file text. `validateExpr` checks PromQL; without it expressions are not checked. */
export function parseRuleFile(text: string, file: string, validateExpr?: ExprValidator): RuleFileResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const errors: RuleFileError[] = [];
  const at = (offset: number | undefined): SourcePos => {
    const p = lc.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  const err = (node: { range?: readonly number[] | null } | null | undefined, message: string): void => {
    errors.push({ file, ...at(node?.range?.[0]), message });
  };
  for (const e of doc.errors) errors.push({ file, ...at(e.pos[0]), message: `yaml: ${e.message.split('\n')[0]}` });
  if (errors.length > 0) return { groups: [], errors };

  const root = doc.contents;
  const groups: RuleGroupSpec[] = [];
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { groups, errors };
  if (!isMap(root)) { err(root, 'rule file must be a mapping with a "groups" key'); return { groups, errors }; }
  let groupsNode: YamlNode | null = null;
  for (const pair of root.items) {
    const key = keyOf(pair);
    if (key === 'groups') groupsNode = pair.value as YamlNode | null;
    else err(pair.key as YamlNode, `field ${key} not found in type rulefmt.RuleGroups`);
  }
  if (groupsNode === null || (isScalar(groupsNode) && groupsNode.value === null)) return { groups, errors };
  if (!isSeq(groupsNode)) { err(groupsNode, '"groups" must be a list'); return { groups, errors }; }

  const seen = new Map<string, SourcePos>();
  for (const g of groupsNode.items as YamlNode[]) {
    if (!isMap(g)) { err(g, 'a rule group must be a mapping'); continue; }
    const fields = readFields(g as YAMLMap, GROUP_KEYS, 'rulefmt.RuleGroup', err);
    const pos = at(g.range?.[0]);
    const name = scalarString(fields.get('name'), 'name', err) ?? '';
    if (name === '') err(fields.get('name') ?? g, 'Groupname must not be empty');
    else if (seen.has(name)) err(fields.get('name'), `groupname: "${name}" is repeated in the same file`);
    else seen.set(name, pos);
    const intervalMs = durationField(fields.get('interval'), 'interval', err);
    const queryOffsetMs = durationField(fields.get('query_offset'), 'query_offset', err) ?? 0;
    let limit = 0;
    const limitNode = fields.get('limit');
    if (limitNode && !isNull(limitNode)) {
      const v = isScalar(limitNode) ? limitNode.value : undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) err(limitNode, 'limit must be a non-negative integer');
      else limit = v;
    }
    const labels = stringMap(fields.get('labels'), 'labels', err);
    for (const [k, node] of labels.nodes) if (!isValidLabelName(k) || k === '__name__') err(node, `invalid label name: ${k}`);
    const rules: RuleSpec[] = [];
    const rulesNode = fields.get('rules');
    if (rulesNode && !isNull(rulesNode)) {
      if (!isSeq(rulesNode)) err(rulesNode, '"rules" must be a list');
      else (rulesNode.items as YamlNode[]).forEach((r, idx) => {
        // Prometheus prefixes rule errors with the group, the 1-based rule index and the rule name.
        const ruleErr: ErrFn = (node, message) => {
          const nm = isMap(r) ? ((r as YAMLMap).get('alert') ?? (r as YAMLMap).get('record') ?? '') : '';
          err(node, `group ${JSON.stringify(name)}, rule ${idx + 1}, ${JSON.stringify(String(nm))}: ${message}`);
        };
        const rule = parseRule(r, ruleErr, at, validateExpr);
        if (rule) rules.push(rule);
      });
    }
    groups.push({ name, file, intervalMs, queryOffsetMs, limit, labels: labels.values, rules, pos });
  }
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { groups, errors };
}

type ErrFn = (node: { range?: readonly number[] | null } | null | undefined, message: string) => void;

function parseRule(r: YamlNode, err: ErrFn, at: (o: number | undefined) => SourcePos, validateExpr: ExprValidator | undefined): RuleSpec | undefined {
  if (!isMap(r)) { err(r, 'a rule must be a mapping'); return undefined; }
  const f = readFields(r as YAMLMap, RULE_KEYS, 'rulefmt.RuleNode', err);
  const record = scalarString(f.get('record'), 'record', err) ?? '';
  const alert = scalarString(f.get('alert'), 'alert', err) ?? '';
  const pos = at(r.range?.[0]);
  let ok = true;
  const fail = (node: YamlNode | null | undefined, msg: string) => { ok = false; err(node ?? r, msg); };
  if (record !== '' && alert !== '') fail(f.get('record'), "only one of 'record' and 'alert' must be set");
  if (record === '' && alert === '') fail(r, "one of 'record' or 'alert' must be set");
  const kind: 'alert' | 'record' = alert !== '' ? 'alert' : 'record';
  const name = alert !== '' ? alert : record;
  const exprNode = f.get('expr');
  const expr = scalarString(exprNode, 'expr', err) ?? '';
  if (expr.trim() === '') fail(exprNode ?? r, "field 'expr' must be set in rule");
  else if (validateExpr) {
    try { validateExpr(expr); }
    catch (e) { fail(exprNode, `could not parse expression: ${(e as Error).message}`); }
  }
  const forMs = durationField(f.get('for'), 'for', err) ?? 0;
  const keepFiringForMs = durationField(f.get('keep_firing_for'), 'keep_firing_for', err) ?? 0;
  const labels = stringMap(f.get('labels'), 'labels', err);
  const annotations = stringMap(f.get('annotations'), 'annotations', err);
  if (kind === 'record') {
    if (record !== '' && !isValidMetricName(record)) fail(f.get('record'), `invalid recording rule name: ${record}`);
    if (f.has('annotations') && annotations.nodes.length > 0) fail(f.get('annotations'), "invalid field 'annotations' in recording rule");
    if (f.has('for') && forMs !== 0) fail(f.get('for'), "invalid field 'for' in recording rule");
    if (f.has('keep_firing_for') && keepFiringForMs !== 0) fail(f.get('keep_firing_for'), "invalid field 'keep_firing_for' in recording rule");
  }
  for (const [k, node] of labels.nodes) if (!isValidLabelName(k) || k === '__name__') fail(node, `invalid label name: ${k}`);
  for (const [k, node] of annotations.nodes) if (!isValidLabelName(k)) fail(node, `invalid annotation name: ${k}`);
  if (kind === 'alert') {
    // Templates are parsed now so a typo fails the check instead of showing up in a notification.
    const tname = `__alert_${name}`;
    for (const [which, m] of [['label', labels], ['annotation', annotations]] as const) {
      for (const [k, node] of m.nodes) {
        const v = m.values[k]!;
        if (!v.includes('{{')) continue;
        try { parseAlertTemplate(v, tname); }
        catch (e) { fail(node, `${which} "${k}": ${(e as Error).message}`); }
      }
    }
  }
  if (!ok) return undefined;
  return { kind, name, expr, forMs, keepFiringForMs, labels: labels.values, annotations: annotations.values, pos };
}

function keyOf(pair: Pair): string {
  const k = pair.key;
  return isScalar(k) ? String(k.value) : String(k);
}

function isNull(n: YamlNode | null | undefined): boolean {
  return n === null || n === undefined || (isScalar(n) && n.value === null);
}

function readFields(m: YAMLMap, allowed: Set<string>, typeName: string, err: ErrFn): Map<string, YamlNode | null> {
  const out = new Map<string, YamlNode | null>();
  for (const pair of m.items) {
    const key = keyOf(pair);
    if (!allowed.has(key)) { err(pair.key as YamlNode, `field ${key} not found in type ${typeName}`); continue; }
    out.set(key, pair.value as YamlNode | null);
  }
  return out;
}

function scalarString(n: YamlNode | null | undefined, field: string, err: ErrFn): string | undefined {
  if (isNull(n)) return undefined;
  if (!isScalar(n) || typeof n.value === 'object') { err(n, `${field} must be a string`); return undefined; }
  return String(n.value);
}

function durationField(n: YamlNode | null | undefined, field: string, err: ErrFn): number | undefined {
  if (isNull(n)) return undefined;
  const s = scalarString(n, field, err);
  if (s === undefined) return undefined;
  try { return parseDuration(s); }
  catch (e) { err(n, `${field}: ${(e as Error).message}`); return undefined; }
}

function stringMap(n: YamlNode | null | undefined, field: string, err: ErrFn): { values: Record<string, string>; nodes: [string, YamlNode][] } {
  const values: Record<string, string> = {};
  const nodes: [string, YamlNode][] = [];
  if (isNull(n)) return { values, nodes };
  if (!isMap(n)) { err(n, `${field} must be a mapping of strings`); return { values, nodes }; }
  for (const pair of n.items) {
    const k = keyOf(pair);
    const v = pair.value as YamlNode | null;
    if (isNull(v)) values[k] = '';
    else if (!isScalar(v) || typeof v.value === 'object') { err(v, `${field}.${k} must be a string`); continue; }
    else values[k] = String(v.value);
    nodes.push([k, pair.key as YamlNode]);
  }
  return { values, nodes };
}
