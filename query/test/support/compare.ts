/**
 * Normalises Prometheus's JSON results and hlmon's QueryResult into one shape and diffs them: the same label
 * sets, floats equal to 1e-9 relative, the same error-or-not.
 */
import type { QueryResult } from '@hlmon/query';
import type { PromResponse } from './prometheus.js';

/** A result in comparable form. */
export type Normalized =
  | { kind: 'error'; message: string }
  | { kind: 'scalar' | 'string'; t: number; v: number | string }
  | { kind: 'vector' | 'matrix'; series: { key: string; points: [number, number][] }[] };

function parseProm(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

function keyOf(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Normalises Prometheus's response body. */
export function fromProm(r: PromResponse): Normalized {
  if (r.status !== 'success' || !r.data) return { kind: 'error', message: r.error ?? 'error' };
  const { resultType, result } = r.data;
  if (resultType === 'scalar' || resultType === 'string') {
    const [t, v] = result as [number, string];
    return { kind: resultType, t: Math.round(t * 1000), v: resultType === 'scalar' ? parseProm(v) : v };
  }
  if (resultType === 'vector') {
    return { kind: 'vector', series: (result as { metric: Record<string, string>; value: [number, string] }[])
      .map((s) => ({ key: keyOf(s.metric), points: [[Math.round(s.value[0] * 1000), parseProm(s.value[1])]] })) };
  }
  return { kind: 'matrix', series: (result as { metric: Record<string, string>; values: [number, string][] }[])
    .map((s) => ({ key: keyOf(s.metric), points: s.values.map(([t, v]) => [Math.round(t * 1000), parseProm(v)] as [number, number]) })) };
}

/** Normalises hlmon's result or error. */
export function fromHlmon(r: QueryResult | Error): Normalized {
  if (r instanceof Error) return { kind: 'error', message: r.message };
  switch (r.resultType) {
    case 'scalar': return { kind: 'scalar', t: r.result.t, v: r.result.v };
    case 'string': return { kind: 'string', t: r.result.t, v: r.result.v };
    case 'vector': return { kind: 'vector', series: r.result.map((s) => ({ key: keyOf(s.labels.toObject()), points: [[s.t, s.v]] })) };
    case 'matrix': return { kind: 'matrix', series: r.result.map((s) => ({ key: keyOf(s.labels.toObject()), points: s.samples.map((p) => [p.t, p.v] as [number, number]) })) };
  }
}

/** True when two floats are equal to 1e-9 relative (NaN equals NaN). */
export function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  const diff = Math.abs(a - b);
  return diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || diff < 1e-12;
}

/** A readable difference, or undefined when the results agree. */
export function diff(want: Normalized, got: Normalized, ordered: boolean): string | undefined {
  if (want.kind === 'error' || got.kind === 'error') {
    if (want.kind === got.kind) return undefined;
    return want.kind === 'error' ? `Prometheus failed (${want.message}), hlmon returned ${got.kind}` : `hlmon failed (${(got as { message: string }).message}), Prometheus returned ${want.kind}`;
  }
  if (want.kind !== got.kind) return `result type: Prometheus ${want.kind}, hlmon ${got.kind}`;
  if (want.kind === 'scalar' || want.kind === 'string') {
    const g = got as typeof want;
    if (g.t !== want.t) return `time: Prometheus ${want.t}, hlmon ${g.t}`;
    if (typeof want.v === 'number' ? !close(want.v, g.v as number) : want.v !== g.v) return `value: Prometheus ${want.v}, hlmon ${g.v}`;
    return undefined;
  }
  const w = want as Extract<Normalized, { kind: 'vector' | 'matrix' }>;
  const g = got as Extract<Normalized, { kind: 'vector' | 'matrix' }>;
  const ws = ordered ? w.series : [...w.series].sort((a, b) => (a.key < b.key ? -1 : 1));
  const gs = ordered ? g.series : [...g.series].sort((a, b) => (a.key < b.key ? -1 : 1));
  const wKeys = ws.map((s) => s.key), gKeys = gs.map((s) => s.key);
  if (wKeys.join('\n') !== gKeys.join('\n')) {
    const missing = wKeys.filter((k) => !gKeys.includes(k)), extra = gKeys.filter((k) => !wKeys.includes(k));
    return `series differ${ordered ? ' (ordered)' : ''}:\n      missing in hlmon: ${missing.join(' ') || '-'}\n      extra in hlmon:   ${extra.join(' ') || '-'}` +
      (missing.length === 0 && extra.length === 0 ? `\n      Prometheus order: ${wKeys.join(' ')}\n      hlmon order:      ${gKeys.join(' ')}` : '');
  }
  for (let i = 0; i < ws.length; i++) {
    const a = ws[i]!.points, b = gs[i]!.points;
    if (a.length !== b.length) return `${ws[i]!.key}: Prometheus ${a.length} points, hlmon ${b.length} (first times ${a[0]?.[0]} vs ${b[0]?.[0]})`;
    for (let k = 0; k < a.length; k++) {
      if (a[k]![0] !== b[k]![0] || !close(a[k]![1], b[k]![1])) return `${ws[i]!.key} point ${k}: Prometheus [${a[k]![0]}, ${a[k]![1]}], hlmon [${b[k]![0]}, ${b[k]![1]}]`;
    }
  }
  return undefined;
}
