/** HTTP helpers shared by the notifiers: one POST that classifies failures as retryable or not. */
import { NotifyError, NotifierConfigError } from './notifier.js';

/** The fetch function notifiers are handed (global fetch or undici's). */
export type FetchFn = typeof fetch;

/** Sends a request and throws NotifyError for a network error or a non-2xx status (5xx and 429 retryable). Returns the body text. */
export async function send(fetchFn: FetchFn, url: string, init: { method?: string; headers?: Record<string, string>; body: string }, signal: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetchFn(url, { method: init.method ?? 'POST', headers: init.headers ?? {}, body: init.body, signal, redirect: 'manual' });
  } catch (cause) {
    const reason = (cause as Error & { cause?: Error })?.cause?.message ?? (cause as Error)?.message ?? String(cause);
    throw new NotifyError(`request to ${redact(url)} failed: ${reason}`, true, { cause });
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return text;
  const retryable = res.status >= 500 || res.status === 429;
  throw new NotifyError(`${redact(url)} answered ${res.status}: ${text.slice(0, 200)}`, retryable);
}

/** POSTs JSON. */
export function postJson(fetchFn: FetchFn, url: string, body: unknown, signal: AbortSignal, headers: Record<string, string> = {}): Promise<string> {
  return send(fetchFn, url, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }, signal);
}

/** Hides secrets that services put in URLs (tokens in paths, query strings). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.search = u.search ? '?<redacted>' : '';
    u.pathname = u.pathname.replace(/\/bot[^/]+/, '/bot<redacted>');
    if (u.password) u.password = '<redacted>';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Reads a required string field from raw config. */
export function requireString(raw: Record<string, unknown>, key: string, where: string): string {
  const v = raw[key];
  if (typeof v !== 'string' || v.trim() === '') throw new NotifierConfigError(`${where}: ${key} is required`);
  return v;
}

/** Reads an optional string field. */
export function optionalString(raw: Record<string, unknown>, key: string, where: string, dflt: string): string {
  const v = raw[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') throw new NotifierConfigError(`${where}: ${key} must be a string`);
  return v;
}

/** Reads a required http(s) URL field. */
export function requireUrl(raw: Record<string, unknown>, key: string, where: string, dflt?: string): string {
  const v = raw[key] ?? dflt;
  if (typeof v !== 'string' || v === '') throw new NotifierConfigError(`${where}: ${key} is required`);
  let u: URL;
  try { u = new URL(v); } catch (cause) { throw new NotifierConfigError(`${where}: ${key} is not a valid URL`, { cause }); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new NotifierConfigError(`${where}: ${key} must be http or https`);
  return v;
}

/** Reads `send_resolved` (default `dflt`). */
export function sendResolvedOf(raw: Record<string, unknown>, where: string, dflt: boolean): boolean {
  const v = raw['send_resolved'];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new NotifierConfigError(`${where}: send_resolved must be true or false`);
  return v;
}

/** Rejects keys a notifier does not know, so typos fail at start instead of silently. */
export function checkKeys(raw: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(raw)) if (!allowed.includes(k)) throw new NotifierConfigError(`${where}: unknown field ${k}`);
}
