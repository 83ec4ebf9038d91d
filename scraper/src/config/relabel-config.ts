/**
 * Reads and validates `relabel_configs` / `metric_relabel_configs` entries with the checks Prometheus
 * 2.42 makes in RelabelConfig.UnmarshalYAML.
 */
import type { Node } from 'yaml';
import { isValidLabelName } from '@hlmon/model';
import { compileRelabelRegex, RELABEL_ACTIONS, type RelabelAction, type RelabelConfig } from '../relabel.js';
import { type ConfigContext, MapReader } from './reader.js';

const DEFAULT_REGEX = '(.*)';

/** Reads one relabel rule; returns undefined (after recording errors) when it is invalid. */
export function readRelabelConfig(ctx: ConfigContext, node: Node, path: string): RelabelConfig | undefined {
  const m = new MapReader(ctx, node, path);
  const before = ctx.errors.length;
  const sourceLabels = m.strings('source_labels');
  const separator = m.str('separator', ';');
  // `${1}` and `${name}` in these fields are regex references, not environment variables.
  const regexSource = m.str('regex', DEFAULT_REGEX, false);
  const modulus = m.int('modulus', 0);
  const targetLabel = m.str('target_label', '', false);
  const replacement = m.str('replacement', '$1', false);
  const actionText = m.str('action', 'replace').toLowerCase();
  m.done();

  const action = actionText as RelabelAction;
  if (!(RELABEL_ACTIONS as readonly string[]).includes(actionText)) {
    ctx.error(m.raw('action'), m.keyPath('action'), `unknown relabel action "${actionText}" (one of ${RELABEL_ACTIONS.join(', ')})`);
  }
  let regex = /^(?:(.*))$/;
  try {
    regex = compileRelabelRegex(regexSource);
  } catch (e) {
    ctx.error(m.raw('regex'), m.keyPath('regex'), `invalid regex: ${(e as Error).message}`);
  }
  for (const [i, l] of sourceLabels.entries()) {
    if (!isValidLabelName(l)) ctx.error(m.raw('source_labels'), `${m.keyPath('source_labels')}[${i}]`, `"${l}" is not a valid label name`);
  }
  const needsTarget: RelabelAction[] = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (needsTarget.includes(action) && targetLabel === '') {
    ctx.error(node, path, `relabel configuration for ${action} action requires 'target_label' value`);
  }
  if (action === 'replace' && targetLabel !== '' && !/^(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+(?:[a-zA-Z0-9_]|\$(?:\{\w+\}|\w+))*$/.test(targetLabel)) {
    ctx.error(m.raw('target_label'), m.keyPath('target_label'), `"${targetLabel}" is invalid 'target_label' for replace action`);
  }
  if (['lowercase', 'uppercase', 'hashmod', 'keepequal', 'dropequal'].includes(action) && targetLabel !== '' && !isValidLabelName(targetLabel)) {
    ctx.error(m.raw('target_label'), m.keyPath('target_label'), `"${targetLabel}" is invalid 'target_label' for ${action} action`);
  }
  if (action === 'hashmod' && modulus === 0) {
    ctx.error(node, path, "relabel configuration for hashmod requires non-zero modulus");
  }
  if ((action === 'labeldrop' || action === 'labelkeep') &&
      (sourceLabels.length > 0 || targetLabel !== '' || modulus !== 0 || separator !== ';' || replacement !== '$1')) {
    ctx.error(node, path, `${action} action requires only 'regex', and no other fields`);
  }
  if ((action === 'keepequal' || action === 'dropequal') &&
      (regexSource !== DEFAULT_REGEX || modulus !== 0 || separator !== ';' || replacement !== '$1')) {
    ctx.error(node, path, `${action} action requires only 'source_labels' and 'target_label', and no other fields`);
  }
  if (action === 'labelmap' && !/^(?:[a-zA-Z0-9_]|\$(?:\{\w+\}|\w+))*$/.test(replacement)) {
    ctx.error(m.raw('replacement'), m.keyPath('replacement'), `"${replacement}" is invalid 'replacement' for labelmap action`);
  }
  if (ctx.errors.length > before) return undefined;
  return { sourceLabels, separator, regexSource, regex, modulus, targetLabel, replacement, action };
}
