/**
 * The web configuration file in exporter-toolkit's format (the `--web.config.file` of node_exporter and
 * Prometheus): TLS server settings and basic-auth users with bcrypt password hashes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * yaml and bcryptjs are loaded when a web config is actually used: together they add about 10 MB of
 * resident memory that an exporter without a web config should not pay.
 */
const requireLazily = createRequire(import.meta.url);
const yaml = (): typeof import('yaml') => requireLazily('yaml') as typeof import('yaml');
const bcrypt = (): typeof import('bcryptjs') => requireLazily('bcryptjs') as typeof import('bcryptjs');
const crypto = (): typeof import('node:crypto') => requireLazily('node:crypto') as typeof import('node:crypto');

/** TLS settings of the web config. */
export interface TlsServerConfig {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string | undefined;
  /** exporter-toolkit's client_auth_type; only NoClientCert and RequireAndVerifyClientCert are supported. */
  readonly clientAuthType: 'NoClientCert' | 'RequireAndVerifyClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven';
  readonly minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}

/** A parsed and validated web config. */
export interface WebConfig {
  readonly tls: TlsServerConfig | undefined;
  /** User name → bcrypt hash. Empty: no authentication. */
  readonly basicAuthUsers: ReadonlyMap<string, string>;
}

/** An invalid web config; the message names the file and the key. */
export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
}

const TOP_KEYS = new Set(['tls_server_config', 'basic_auth_users', 'http_server_config']);
const TLS_KEYS = new Set(['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version', 'max_version', 'cipher_suites', 'prefer_server_cipher_suites', 'curve_preferences']);
const VERSIONS: Record<string, TlsServerConfig['minVersion']> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/** Parses web config YAML text; `file` is used in error messages and to resolve nothing else. */
export function parseWebConfig(text: string, file: string): WebConfig {
  let doc: unknown;
  try {
    doc = yaml().parse(text) ?? {};
  } catch (err) {
    throw new WebConfigError(`${file}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new WebConfigError(`${file}: expected a mapping at the top level`);
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top)) if (!TOP_KEYS.has(key)) throw new WebConfigError(`${file}: unknown key "${key}"`);
  let tls: TlsServerConfig | undefined;
  const t = top.tls_server_config as Record<string, unknown> | undefined | null;
  if (t !== undefined && t !== null) {
    for (const key of Object.keys(t)) if (!TLS_KEYS.has(key)) throw new WebConfigError(`${file}: unknown key "tls_server_config.${key}"`);
    if (typeof t.cert_file !== 'string' || typeof t.key_file !== 'string') {
      throw new WebConfigError(`${file}: tls_server_config needs both cert_file and key_file`);
    }
    const clientAuthType = (t.client_auth_type ?? 'NoClientCert') as string;
    if (!['NoClientCert', 'RequireAndVerifyClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven'].includes(clientAuthType)) {
      throw new WebConfigError(`${file}: tls_server_config.client_auth_type "${clientAuthType}" is not supported`);
    }
    const minVersion = VERSIONS[String(t.min_version ?? 'TLS12')];
    if (minVersion === undefined) throw new WebConfigError(`${file}: tls_server_config.min_version "${String(t.min_version)}" is not one of TLS10, TLS11, TLS12, TLS13`);
    if (clientAuthType !== 'NoClientCert' && typeof t.client_ca_file !== 'string') {
      throw new WebConfigError(`${file}: client_auth_type ${clientAuthType} needs client_ca_file`);
    }
    tls = {
      certFile: t.cert_file, keyFile: t.key_file, clientCaFile: t.client_ca_file as string | undefined,
      clientAuthType: clientAuthType as TlsServerConfig['clientAuthType'], minVersion,
    };
  }
  const users = new Map<string, string>();
  const u = top.basic_auth_users as Record<string, unknown> | undefined | null;
  if (u !== undefined && u !== null) {
    if (typeof u !== 'object' || Array.isArray(u)) throw new WebConfigError(`${file}: basic_auth_users must map user names to bcrypt hashes`);
    for (const [name, hash] of Object.entries(u)) {
      if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d{2}\$.{53}$/.test(hash)) {
        throw new WebConfigError(`${file}: basic_auth_users.${name} is not a bcrypt hash (generate one with htpasswd -nBC 10 "" or bcrypt)`);
      }
      users.set(name, hash);
    }
  }
  return { tls, basicAuthUsers: users };
}

/** Reads and parses a web config file. */
export function loadWebConfig(file: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WebConfigError(`cannot read web config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseWebConfig(text, file);
}

/**
 * Checks basic-auth credentials. bcrypt is deliberately slow (tens of milliseconds), and Prometheus sends
 * the same credentials every scrape, so successful checks are remembered by a SHA-256 of user, password
 * and hash, as exporter-toolkit does; a changed hash never matches a remembered entry.
 */
export class BasicAuthChecker {
  private readonly verified = new Set<string>();

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  /** True when authentication is configured. */
  get enabled(): boolean {
    return this.users.size > 0;
  }

  /** True when the Authorization header carries a configured user and the right password. */
  async check(authorization: string | undefined): Promise<boolean> {
    if (!this.enabled) return true;
    if (authorization === undefined || !authorization.startsWith('Basic ')) return false;
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const hash = this.users.get(user);
    if (hash === undefined) {
      // Compare anyway so an unknown user costs as long as a wrong password and user names do not leak.
      await bcrypt().compare(password, '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi');
      return false;
    }
    const key = crypto().createHash('sha256').update(`${user}\0${password}\0${hash}`).digest('hex');
    if (this.verified.has(key)) return true;
    const ok = await bcrypt().compare(password, hash);
    if (ok) this.verified.add(key);
    return ok;
  }
}
