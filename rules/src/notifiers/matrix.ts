/** Matrix notifier: the client-server API's room message send, with an idempotent transaction id. */
import { createHash } from 'node:crypto';
import type { Notifier, NotificationMessage } from './notifier.js';
import { checkKeys, requireString, requireUrl, send, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle } from './render.js';

/** Validated Matrix config. */
export interface MatrixConfig { homeserverUrl: string; roomId: string; accessToken: string; sendResolved: boolean }

/** Validates `matrix_configs` entries. */
export function parseMatrixConfig(raw: Record<string, unknown>, where: string): MatrixConfig {
  checkKeys(raw, ['homeserver_url', 'room_id', 'access_token', 'send_resolved'], where);
  return { homeserverUrl: requireUrl(raw, 'homeserver_url', where), roomId: requireString(raw, 'room_id', where), accessToken: requireString(raw, 'access_token', where), sendResolved: sendResolvedOf(raw, where, true) };
}

/** Sends to a Matrix room. */
export class MatrixNotifier implements Notifier {
  readonly kind = 'matrix';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: MatrixConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const body = `${defaultTitle(m)}\n${defaultText(m)}`;
    // The transaction id is derived from the content, so a retried request is de-duplicated by the homeserver.
    const txn = createHash('sha256').update(m.groupKey + '\n' + body).digest('hex').slice(0, 32);
    const url = `${this.cfg.homeserverUrl.replace(/\/$/, '')}/_matrix/client/v3/rooms/${encodeURIComponent(this.cfg.roomId)}/send/m.room.message/${txn}`;
    await send(this.fetchFn, url, {
      method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${this.cfg.accessToken}` },
      body: JSON.stringify({ msgtype: 'm.text', body }),
    }, signal);
  }
}
