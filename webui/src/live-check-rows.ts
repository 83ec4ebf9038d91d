/**
 * The check rows of the Checks page and of the overview's checks summary, kept live: every result from the
 * stream patches its row at once (and is remembered, so a reload in flight does not bring an older state
 * back), while the uptime ratios are reloaded in full at most every 10 s, or when the stream resyncs.
 */
import type { ReactiveControllerHost } from 'lit';
import type { ApiClient } from './api-client.js';
import { loadCheckRows, patchCheck, RecentResults, type CheckEvent, type CheckRow } from './checks-data.js';
import { StreamWatch, type LiveStream } from './live-stream.js';
import { Loader } from './loader.js';

const FULL_RELOAD_EVERY_MS = 10_000;

/** A host element that has an API client and maybe the live stream. */
type CheckRowsHost = ReactiveControllerHost & { readonly api: ApiClient; readonly stream: LiveStream | undefined };

export class LiveCheckRows {
  private readonly recent = new RecentResults();
  /** The rows, with their load state, for `renderLoad`. */
  readonly rows: Loader<CheckRow[]>;
  private lastFullLoadMs = 0;

  constructor(host: CheckRowsHost) {
    this.rows = new Loader(host, (signal) => loadCheckRows(host.api, signal, this.recent));
    new StreamWatch(host, () => host.stream, () => ['checks'], (data) => {
      this.recent.record(data as CheckEvent);
      if (this.rows.value) { this.rows.value = patchCheck(this.rows.value, data as CheckEvent); host.requestUpdate(); }
      if (Date.now() - this.lastFullLoadMs > FULL_RELOAD_EVERY_MS) this.reload();
    }, () => this.reload(), 0);
  }

  /** Loads every row again (uptime ratios included). */
  reload(): void {
    this.lastFullLoadMs = Date.now();
    void this.rows.run();
  }
}
