/**
 * Secrets in hlmon.yml as the API shows them: `GET /api/v1/config` replaces every secret value with
 * `<secret>`, as Prometheus and Alertmanager do in their config pages, and a config sent back with
 * `<secret>` in a secret's place keeps the value stored for that place, so reading, editing and writing the
 * config never destroys a password.
 *
 * A secret is a value under a key in SECRET_KEYS (passwords, tokens, keys), the URL of a webhook receiver
 * and Slack's API URL (their path holds the token, which is why Alertmanager treats them as secrets) and
 * the storage URL (it holds the database password). A `${VAR}` reference is not a secret and is shown. A
 * place is named by its path, with list items named by their `name` or `job_name` when they have one, so
 * reordering receivers or jobs does not move a secret to another one.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ApiError } from '../errors.js';

/** What a secret is shown as. */
export const SECRET_PLACEHOLDER = '<secret>';

const SECRET_KEYS = new Set([
  'password', 'bearer_token', 'credentials', 'client_secret', 'auth_password', 'auth_secret', 'token', 'bot_token', 'access_token',
  'user_key', 'api_key', 'routing_key', 'service_key', 'webhook_url', 'smtp_auth_password', 'slack_api_url', 'opsgenie_api_key',
  'victorops_api_key', 'telegram_bot_token', 'secret_key',
]);

/** True when the value under `key` (in a map that is an item of the list `listKey`, if any) is secret. */
function isSecretKey(key: string, listKey: string | undefined, path: readonly string[]): boolean {
  if (SECRET_KEYS.has(key)) return true;
  if (key === 'url' && listKey === 'webhook_configs') return true;
  if (key === 'api_url' && listKey === 'slack_configs') return true;
  return key === 'url' && path.length === 1 && path[0] === 'storage';
}

const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/;

/** A scalar's value and where its source text is (`[start, end]` of the value, as the yaml package gives it). */
interface ScalarAt {
  readonly value: unknown;
  readonly range?: readonly [number, number, number] | null;
}

/** Visits every secret scalar with its path (`alerting.receivers[hook].webhook_configs[0].url`). */
function visitSecrets(doc: Document, visit: (path: string, node: ScalarAt) => void): void {
  const walk = (node: Node | null | undefined, path: string[], listKey: string | undefined): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const child = pair.value as Node | null;
        if (isScalar(child) && isSecretKey(key, listKey, path)) visit([...path, key].join('.'), child);
        else walk(child, [...path, key], key);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const id = isMap(item) ? (item.get('name') ?? item.get('job_name')) : undefined;
        const seg = typeof id === 'string' ? `[${id}]` : `[${i}]`;
        const last = path.length > 0 ? path.slice(0, -1).concat(`${path[path.length - 1]}${seg}`) : [seg];
        walk(item as Node, last, listKey);
      });
    }
  };
  walk(doc.contents as Node, [], undefined);
}

/** Replaces source spans, the rest of the text left byte for byte as it was. */
function splice(text: string, edits: { start: number; end: number; with: string }[]): string {
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.with + out.slice(e.end);
  return out;
}

/** The config text with every literal secret replaced by `<secret>`; everything else stays as written. */
export function redactSecrets(text: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return redactLines(text);
  const edits: { start: number; end: number; with: string }[] = [];
  visitSecrets(doc, (_path, node) => {
    if (typeof node.value === 'string' && node.value !== '' && !ENV_REF.test(node.value) && node.range) {
      edits.push({ start: node.range[0], end: node.range[1], with: SECRET_PLACEHOLDER });
    }
  });
  return splice(text, edits);
}

/** A file that does not parse (edited by hand since it was loaded) is redacted line by line. */
function redactLines(text: string): string {
  const keys = [...SECRET_KEYS, 'url', 'api_url'].join('|');
  return text.replace(new RegExp(`^(\\s*(?:-\\s+)?(?:${keys})\\s*:\\s*)(?!\\$\\{)(\\S.*)$`, 'gm'), `$1${SECRET_PLACEHOLDER}`);
}

/**
 * Puts the stored secrets back where a new text has `<secret>`: the value at the same place in `stored`.
 * Throws 400 naming the place when the stored config has no secret there.
 */
export function restoreSecrets(text: string, stored: string): string {
  if (!text.includes(SECRET_PLACEHOLDER)) return text;
  const doc = parseDocument(text);
  // A text that does not parse is left to the config parser, which reports its errors with positions.
  if (doc.errors.length > 0) return text;
  const old = parseDocument(stored);
  // The stored value's source text, quotes included, so it goes back exactly as it was written.
  const values = new Map<string, string>();
  if (old.errors.length === 0) {
    visitSecrets(old, (path, node) => {
      if (typeof node.value === 'string' && node.value !== SECRET_PLACEHOLDER && node.range) values.set(path, stored.slice(node.range[0], node.range[1]));
    });
  }
  const missing: string[] = [];
  const edits: { start: number; end: number; with: string }[] = [];
  visitSecrets(doc, (path, node) => {
    if (node.value !== SECRET_PLACEHOLDER || !node.range) return;
    const source = values.get(path);
    if (source === undefined) missing.push(path);
    else edits.push({ start: node.range[0], end: node.range[1], with: source });
  });
  if (missing.length > 0) {
    throw new ApiError(400, 'config_invalid', `${missing[0]}: ${SECRET_PLACEHOLDER} stands for the stored value, but the running config has none there; write the value itself`, { field: 'body.yaml', paths: missing });
  }
  return splice(text, edits);
}
