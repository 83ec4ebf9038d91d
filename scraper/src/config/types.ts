/**
 * The validated, defaulted shape of hlmon.yml. Field names are camelCase with units; the YAML keys are
 * Prometheus's snake_case names (see docs/configuration.md).
 */
import type { RelabelConfig } from '../relabel.js';

/** The whole configuration. */
export interface HlmonConfig {
  /** Defaults shared by every section. */
  readonly global: GlobalConfig;
  /** Where samples go. */
  readonly storage: StorageConfig;
  /** The HTTP server. */
  readonly server: ServerConfig;
  /** Prometheus-compatible scrape jobs. */
  readonly scrapeConfigs: readonly ScrapeConfig[];
  /** Uptime checks. */
  readonly checks: readonly CheckConfig[];
  /** Rule file globs, resolved relative to the config file's folder. */
  readonly ruleFiles: readonly string[];
  /** The `alerting` section as a raw value; the rules package validates it. */
  readonly alerting?: RawSection;
  /** The file this was read from (or the name given to parseConfig). */
  readonly file: string;
}

/** A section kept as plain data with the positions of its nodes, for another package to validate. */
export interface RawSection {
  /** The plain JavaScript value (after `${ENV}` substitution is NOT applied; the owner decides). */
  readonly value: unknown;
  /** The file. */
  readonly file: string;
  /** 1-based line of the section's value. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The YAML source text of the section, so the owner can re-parse it with positions. */
  readonly source: string;
  /** Line offset to add to positions found by re-parsing `source`. */
  readonly lineOffset: number;
}

/** `global`. */
export interface GlobalConfig {
  /** Default scrape interval (Prometheus: 1m). */
  readonly scrapeIntervalMs: number;
  /** Default scrape timeout (Prometheus: 10s). */
  readonly scrapeTimeoutMs: number;
  /** Rule evaluation interval (Prometheus: 1m). */
  readonly evaluationIntervalMs: number;
  /** Labels added to alerts and remote writes. */
  readonly externalLabels: Readonly<Record<string, string>>;
}

/** `storage`. */
export interface StorageConfig {
  /** PostgreSQL URL; absent means embedded PGlite in the data folder. */
  readonly url?: string;
  /** Raw samples retention. */
  readonly retentionMs: number;
  /** Folder for the spool and embedded database. */
  readonly dataDir: string;
}

/** `server`. */
export interface ServerConfig {
  /** `host:port` to listen on. */
  readonly listenAddress: string;
  /** `auth.anonymous`: the role of callers without credentials; absent means they get nothing but public pages. */
  readonly anonymousRole?: 'viewer' | 'editor' | 'admin';
  /** `cors.allowed_origins`: browser origins allowed to call the API with credentials. */
  readonly allowedOrigins: readonly string[];
  /** `tls`: serve HTTPS with these files (reloaded when they change). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** HTTP client settings shared by scrapes and HTTP checks. */
export interface TlsConfig {
  /** CA bundle to verify the server with. */
  readonly caFile?: string;
  /** Client certificate. */
  readonly certFile?: string;
  /** Client key. */
  readonly keyFile?: string;
  /** Name to verify the certificate against (SNI). */
  readonly serverName?: string;
  /** Skip verification. */
  readonly insecureSkipVerify: boolean;
}

/** Credentials for basic auth. */
export interface BasicAuth {
  /** User name. */
  readonly username: string;
  /** Password given inline. */
  readonly password?: string;
  /** Password read from a file at scrape time. */
  readonly passwordFile?: string;
}

/** `authorization` (and the older `bearer_token`). */
export interface Authorization {
  /** The scheme, default `Bearer`. */
  readonly type: string;
  /** Inline credentials. */
  readonly credentials?: string;
  /** Credentials read from a file. */
  readonly credentialsFile?: string;
}

/** A static target group or one read from a file_sd file. */
export interface TargetGroup {
  /** `host:port` addresses. */
  readonly targets: readonly string[];
  /** Labels for every target of the group. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where the group came from (for `__meta_filepath` and messages). */
  readonly source: string;
}

/** `file_sd_configs[]`. */
export interface FileSdConfig {
  /** Files or globs (`*` in the last path element), relative to the config file. */
  readonly files: readonly string[];
  /** Re-read interval in addition to watching. */
  readonly refreshIntervalMs: number;
}

/** `scrape_configs[]`. */
export interface ScrapeConfig {
  /** The `job` label. */
  readonly jobName: string;
  /** How often. */
  readonly scrapeIntervalMs: number;
  /** Per-scrape timeout (at most the interval). */
  readonly scrapeTimeoutMs: number;
  /** Path on the target. */
  readonly metricsPath: string;
  /** http or https. */
  readonly scheme: 'http' | 'https';
  /** URL query parameters. */
  readonly params: Readonly<Record<string, readonly string[]>>;
  /** Basic auth. */
  readonly basicAuth?: BasicAuth;
  /** Authorization header. */
  readonly authorization?: Authorization;
  /** TLS settings. */
  readonly tls: TlsConfig;
  /** Follow redirects (Prometheus default true). */
  readonly followRedirects: boolean;
  /** Static targets. */
  readonly staticConfigs: readonly TargetGroup[];
  /** File-based discovery. */
  readonly fileSdConfigs: readonly FileSdConfig[];
  /** Target relabeling. */
  readonly relabelConfigs: readonly RelabelConfig[];
  /** Sample relabeling. */
  readonly metricRelabelConfigs: readonly RelabelConfig[];
  /** Keep the target's own job/instance labels on conflict. */
  readonly honorLabels: boolean;
  /** Use timestamps exposed by the target. */
  readonly honorTimestamps: boolean;
  /** Max samples per scrape after metric relabeling; 0 = unlimited. */
  readonly sampleLimit: number;
  /** Max labels per series; 0 = unlimited. */
  readonly labelLimit: number;
  /** Max label name length; 0 = unlimited. */
  readonly labelNameLengthLimit: number;
  /** Max label value length; 0 = unlimited. */
  readonly labelValueLengthLimit: number;
  /** Max uncompressed body bytes; 0 = unlimited. */
  readonly bodySizeLimitBytes: number;
}

/** The kinds of uptime check. */
export type CheckType = 'http' | 'tcp' | 'dns';

/** Settings of an `http` check (blackbox_exporter's http prober). */
export interface HttpCheckConfig {
  /** Request method, default GET. */
  readonly method: string;
  /** Request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Request body. */
  readonly body?: string;
  /** Accepted status codes; empty means any 2xx. */
  readonly validStatusCodes: readonly number[];
  /** A substring that must (or with `invert`, must not) appear in the body. */
  readonly keyword?: string;
  /** A regex that must (or with `invert`, must not) match the body. */
  readonly regex?: RegExp;
  /** Invert keyword/regex. */
  readonly invert: boolean;
  /** Follow redirects (default true). */
  readonly followRedirects: boolean;
  /** Fail when the final response was not over TLS. */
  readonly failIfNotSsl: boolean;
  /** TLS settings. */
  readonly tls: TlsConfig;
}

/** Settings of a `tcp` check. */
export interface TcpCheckConfig {
  /** Wrap the connection in TLS. */
  readonly tls: boolean;
  /** TLS settings. */
  readonly tlsConfig: TlsConfig;
  /** Dialogue: wait for `expect` (regex), then write `send`. */
  readonly queryResponse: readonly { readonly expect?: RegExp; readonly send?: string }[];
}

/** Settings of a `dns` check. */
export interface DnsCheckConfig {
  /** Record type, default A. */
  readonly queryType: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS' | 'SRV';
  /** `host:port` of the DNS server; default the system resolver. */
  readonly server?: string;
  /** Every answer must match one of these regexes (when given). */
  readonly validAnswers: readonly RegExp[];
}

/** `checks[]`. */
export interface CheckConfig {
  /** Unique name, the `check` label. */
  readonly name: string;
  /** Kind of probe. */
  readonly type: CheckType;
  /** URL (http), `host:port` (tcp) or name to resolve (dns); the `instance` label. */
  readonly target: string;
  /** How often. */
  readonly intervalMs: number;
  /** Per-probe timeout. */
  readonly timeoutMs: number;
  /** Extra labels on every series of this check. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * `paused: true`: the check is kept (its history, its place on status pages) but not probed, so it writes
   * no samples; absent when false, so pausing and resuming is the only change to the check's identity.
   */
  readonly paused?: boolean;
  /** http settings (type http). */
  readonly http?: HttpCheckConfig;
  /** tcp settings (type tcp). */
  readonly tcp?: TcpCheckConfig;
  /** dns settings (type dns). */
  readonly dns?: DnsCheckConfig;
}
