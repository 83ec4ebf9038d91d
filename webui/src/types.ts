/**
 * The shapes of the REST API's answers as the UI reads them. Hosts and containers mirror @hlmon/api's
 * types; checks, silences and users are the shapes docs/webui.md asks the API to implement.
 */

/** GET /api/v1/hosts → { hosts: HostSummary[] }. */
export interface HostSummary {
  readonly instance: string;
  readonly job: string;
  readonly up: boolean;
  readonly lastSeenMs: number | null;
  readonly stateAtMs: number | null;
  readonly hostname: string | null;
  readonly os: string | null;
  readonly kernel: string | null;
  readonly arch: string | null;
  readonly uptimeSeconds: number | null;
  readonly cpuCores: number | null;
  readonly cpuUsedPercent: number | null;
  readonly load1: number | null;
  readonly memoryTotalBytes: number | null;
  readonly memoryUsedPercent: number | null;
  readonly rootDiskUsedPercent: number | null;
  readonly networkReceiveBytesPerSecond: number | null;
  readonly networkTransmitBytesPerSecond: number | null;
  /** The host's firing alerts (alerts whose `instance` label is this host); absent from older servers. */
  readonly alerts?: readonly HostAlert[];
}

/** A firing alert on a host entry of /api/v1/hosts. */
export interface HostAlert {
  readonly alertname: string;
  readonly severity: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly activeAtMs: number;
}

/** GET /api/v1/hosts/:instance. */
export interface HostDetail {
  readonly host: HostSummary;
  readonly filesystems: { mountpoint: string; device: string; fstype: string; sizeBytes: number | null; availBytes: number | null; usedPercent: number | null }[];
  readonly interfaces: { device: string; receiveBytesPerSecond: number | null; transmitBytesPerSecond: number | null }[];
  readonly containers: ContainerSummary[];
}

/** GET /api/v1/containers → { containers }. */
export interface ContainerSummary {
  readonly instance: string;
  readonly job: string;
  readonly name: string;
  readonly image: string | null;
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  readonly memoryLimitBytes: number | null;
  readonly networkReceiveBytesPerSecond: number | null;
  readonly networkTransmitBytesPerSecond: number | null;
  readonly lastSeenMs: number | null;
}

/** An alert of GET /prometheus/api/v1/alerts. */
export interface PromAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'firing' | 'pending' | 'inactive';
  readonly activeAt?: string;
  readonly value?: string;
}

/** A silence of GET /api/v1/silences → { silences } (Alertmanager's shape, expected). */
export interface Silence {
  readonly id: string;
  readonly matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly status: { state: 'active' | 'pending' | 'expired' };
}

/** A role: what a user or an API key may do. */
export type Role = 'viewer' | 'editor' | 'admin';

/** A user of GET /api/v1/users → { users }. */
export interface User {
  readonly id: number | string;
  readonly username: string;
  readonly role: Role;
  readonly createdAtMs?: number;
}

/** An API key of GET /api/v1/keys → { keys } (never its secret). */
export interface ApiKey {
  readonly id: number;
  readonly name: string;
  /** The first characters of the secret, to tell keys apart. */
  readonly prefix: string;
  readonly role: Role;
  readonly createdAtMs: number;
  readonly lastUsedMs: number | null;
  readonly revokedAtMs: number | null;
}

/** A notification receiver of GET /api/v1/receivers → { receivers }; integrations as "webhook/0". */
export interface Receiver {
  readonly name: string;
  readonly integrations: readonly string[];
}

/** One integration's outcome of POST /api/v1/receivers/:name/test → { results }. */
export interface ReceiverTestResult {
  readonly integration: string;
  readonly ok: boolean;
  readonly error: string;
  readonly durationMs: number;
}

/** A public status page of GET /api/v1/status-pages → { pages }; PUT /api/v1/status-pages/:slug creates or replaces one. */
export interface StatusPage {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly checks: readonly string[];
}

/** GET /api/v1/session → the caller: a logged-in user, or an API key's or anonymous access's role; 401 when none. */
export interface Session {
  readonly user: User | null;
  readonly role?: User['role'];
  readonly kind?: 'session' | 'key' | 'anonymous';
}

/**
 * The active silence that covers an alert's labels, as Alertmanager matches them (a regex is anchored; `isEqual:
 * false` negates), or undefined. The Prometheus alerts API does not say whether an alert is silenced.
 */
export function silenceFor(labels: Readonly<Record<string, string>>, silences: readonly Silence[]): Silence | undefined {
  return silences.find((s) => s.status.state === 'active' && s.matchers.length > 0 && s.matchers.every((m) => {
    const v = labels[m.name] ?? '';
    let hit: boolean;
    try {
      hit = m.isRegex ? new RegExp(`^(?:${m.value})$`, 's').test(v) : v === m.value;
    } catch {
      hit = false;
    }
    return m.isEqual === false ? !hit : hit;
  }));
}
