/**
 * The notifier registry: the one place that maps a receiver's `*_configs` key to a notifier. Every config
 * is validated when the registry builds receivers, at start, so a typo fails loudly before any alert fires.
 */
import type { Notifier } from './notifier.js';
import { NotifierConfigError } from './notifier.js';
import type { FetchFn } from './http.js';
import { parseWebhookConfig, WebhookNotifier } from './webhook.js';
import { parseEmailConfig, EmailNotifier } from './email.js';
import { parseSlackConfig, SlackNotifier } from './slack.js';
import { parseDiscordConfig, DiscordNotifier } from './discord.js';
import { parseTelegramConfig, TelegramNotifier } from './telegram.js';
import { parseNtfyConfig, NtfyNotifier } from './ntfy.js';
import { parseGotifyConfig, GotifyNotifier } from './gotify.js';
import { parsePushoverConfig, PushoverNotifier } from './pushover.js';
import { parseTeamsConfig, TeamsNotifier } from './teams.js';
import { parseMatrixConfig, MatrixNotifier } from './matrix.js';
import { parseAlertmanagerConfig, AlertmanagerNotifier } from './alertmanager.js';

/** What notifiers are built with. */
export interface NotifierDeps {
  fetch: FetchFn;
}

/** Builds one notifier from raw config, validating it; `where` names the config location for errors. */
export type NotifierFactory = (raw: Record<string, unknown>, deps: NotifierDeps, where: string) => Notifier;

/** The built-in notifiers, keyed by their receiver config key. */
export const BUILTIN_NOTIFIERS: Readonly<Record<string, NotifierFactory>> = {
  webhook_configs: (raw, d, w) => new WebhookNotifier(parseWebhookConfig(raw, w), d.fetch),
  email_configs: (raw, _d, w) => new EmailNotifier(parseEmailConfig(raw, w)),
  slack_configs: (raw, d, w) => new SlackNotifier(parseSlackConfig(raw, w), d.fetch),
  discord_configs: (raw, d, w) => new DiscordNotifier(parseDiscordConfig(raw, w), d.fetch),
  telegram_configs: (raw, d, w) => new TelegramNotifier(parseTelegramConfig(raw, w), d.fetch),
  ntfy_configs: (raw, d, w) => new NtfyNotifier(parseNtfyConfig(raw, w), d.fetch),
  gotify_configs: (raw, d, w) => new GotifyNotifier(parseGotifyConfig(raw, w), d.fetch),
  pushover_configs: (raw, d, w) => new PushoverNotifier(parsePushoverConfig(raw, w), d.fetch),
  msteams_configs: (raw, d, w) => new TeamsNotifier(parseTeamsConfig(raw, w), d.fetch),
  matrix_configs: (raw, d, w) => new MatrixNotifier(parseMatrixConfig(raw, w), d.fetch),
  alertmanager_configs: (raw, d, w) => new AlertmanagerNotifier(parseAlertmanagerConfig(raw, w), d.fetch),
};

/** A receiver: a name and its integrations. */
export interface Receiver {
  readonly name: string;
  readonly integrations: readonly { readonly id: string; readonly notifier: Notifier }[];
}

/** Builds a receiver from its config (`name` plus `*_configs` lists); throws NotifierConfigError naming the field. */
export function buildReceiver(raw: Record<string, unknown>, deps: NotifierDeps, where: string, factories: Readonly<Record<string, NotifierFactory>> = BUILTIN_NOTIFIERS): Receiver {
  const name = raw['name'];
  if (typeof name !== 'string' || name === '') throw new NotifierConfigError(`${where}: name is required`);
  const integrations: { id: string; notifier: Notifier }[] = [];
  for (const [key, list] of Object.entries(raw)) {
    if (key === 'name') continue;
    const factory = factories[key];
    if (!factory) throw new NotifierConfigError(`${where} (${name}): unknown notifier type ${key}`);
    if (!Array.isArray(list)) throw new NotifierConfigError(`${where} (${name}): ${key} must be a list`);
    list.forEach((item, i) => {
      if (typeof item !== 'object' || item === null) throw new NotifierConfigError(`${where} (${name}).${key}[${i}]: must be a mapping`);
      const notifier = factory(item as Record<string, unknown>, deps, `${where} (${name}).${key}[${i}]`);
      integrations.push({ id: `${notifier.kind}/${i}`, notifier });
    });
  }
  return { name, integrations };
}
