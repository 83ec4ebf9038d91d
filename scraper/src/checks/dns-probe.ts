/**
 * The dns probe: resolve a name (A by default) through the system resolver or a given server, check
 * the answers against `valid_answers` regexes.
 */
import { Resolver } from 'node:dns/promises';
import type { CheckConfig } from '../config/types.js';
import { errorText, failed, type ProbeResult } from './probe.js';

function answerText(a: unknown): string {
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return a.join('');
  const r = a as Record<string, unknown>;
  if ('exchange' in r) return `${String(r.priority)} ${String(r.exchange)}`;
  if ('port' in r) return `${String(r.priority)} ${String(r.weight)} ${String(r.port)} ${String(r.name)}`;
  return JSON.stringify(a);
}

/** Runs one DNS check. */
export async function probeDns(check: CheckConfig, signal: AbortSignal): Promise<ProbeResult> {
  const cfg = check.dns!;
  const resolver = new Resolver({ timeout: check.timeoutMs, tries: 1 });
  if (cfg.server) resolver.setServers([cfg.server]);
  signal.addEventListener('abort', () => resolver.cancel(), { once: true });
  const t0 = performance.now();
  let answers: string[];
  try {
    answers = ((await resolver.resolve(check.target, cfg.queryType)) as unknown[]).map(answerText);
  } catch (e) {
    return failed(`resolving ${check.target} ${cfg.queryType}: ${errorText(e, signal, check.timeoutMs)}`, [
      { name: 'probe_dns_lookup_time_seconds', value: (performance.now() - t0) / 1000 },
    ]);
  }
  const metrics = [
    { name: 'probe_dns_lookup_time_seconds', value: (performance.now() - t0) / 1000 },
    { name: 'probe_dns_answer_rrs', value: answers.length },
  ];
  if (cfg.validAnswers.length > 0) {
    const bad = answers.find((a) => !cfg.validAnswers.some((re) => re.test(a)));
    if (bad !== undefined || answers.length === 0) {
      return failed(bad !== undefined ? `answer "${bad}" matches none of valid_answers` : 'no answer', metrics);
    }
  }
  return { success: true, failureReason: '', metrics };
}
