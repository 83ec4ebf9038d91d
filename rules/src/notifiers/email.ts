/** Email notifier: SMTP through nodemailer, with STARTTLS required by default and optional auth (Alertmanager's email_configs). */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Notifier, NotificationMessage } from './notifier.js';
import { NotifierConfigError, NotifyError } from './notifier.js';
import { checkKeys, optionalString, requireString, sendResolvedOf } from './http.js';
import { defaultText, defaultTitle } from './render.js';

/** Validated email config. */
export interface EmailConfig {
  to: string;
  from: string;
  host: string;
  port: number;
  authUsername: string;
  authPassword: string;
  /** Require STARTTLS (Alertmanager's require_tls, default true). */
  requireTls: boolean;
  /** Skip certificate verification, for self-signed home-lab mail servers. */
  insecureSkipVerify: boolean;
  sendResolved: boolean;
}

/** Validates `email_configs` entries. `smarthost` is `host:port`. */
export function parseEmailConfig(raw: Record<string, unknown>, where: string): EmailConfig {
  checkKeys(raw, ['to', 'from', 'smarthost', 'auth_username', 'auth_password', 'require_tls', 'tls_config', 'send_resolved'], where);
  const smarthost = requireString(raw, 'smarthost', where);
  const m = /^(.+):(\d+)$/.exec(smarthost);
  if (!m) throw new NotifierConfigError(`${where}: smarthost must be host:port`);
  const tls = (raw['tls_config'] ?? {}) as Record<string, unknown>;
  if (typeof tls !== 'object' || tls === null) throw new NotifierConfigError(`${where}: tls_config must be a mapping`);
  return {
    to: requireString(raw, 'to', where), from: requireString(raw, 'from', where), host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]),
    authUsername: optionalString(raw, 'auth_username', where, ''), authPassword: optionalString(raw, 'auth_password', where, ''),
    requireTls: raw['require_tls'] !== false, insecureSkipVerify: tls['insecure_skip_verify'] === true,
    sendResolved: sendResolvedOf(raw, where, false),
  };
}

/** Sends email. One transport per notifier, closed by `close()`. */
export class EmailNotifier implements Notifier {
  readonly kind = 'email';
  readonly sendResolved: boolean;
  private readonly transport: Transporter;

  constructor(private readonly cfg: EmailConfig) {
    this.sendResolved = cfg.sendResolved;
    this.transport = nodemailer.createTransport({
      host: cfg.host, port: cfg.port,
      // Port 465 is implicit TLS; everything else starts plain and upgrades with STARTTLS.
      secure: cfg.port === 465, requireTLS: cfg.requireTls,
      ...(cfg.authUsername ? { auth: { user: cfg.authUsername, pass: cfg.authPassword } } : {}),
      tls: { rejectUnauthorized: !cfg.insecureSkipVerify },
      connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000,
    });
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new NotifyError('aborted', true);
    const subject = defaultTitle(m);
    try {
      await this.transport.sendMail({ from: this.cfg.from, to: this.cfg.to, subject, text: defaultText(m) + (m.externalURL ? `\n\n${m.externalURL}` : '') });
    } catch (cause) {
      const code = (cause as { responseCode?: number }).responseCode;
      // SMTP 5xx replies are permanent (bad recipient, auth refused); connection errors and 4xx are worth a retry.
      throw new NotifyError(`smtp ${this.cfg.host}:${this.cfg.port}: ${(cause as Error).message}`, !(code !== undefined && code >= 500), { cause });
    }
  }

  /** Closes pooled connections. */
  close(): void {
    this.transport.close();
  }
}
