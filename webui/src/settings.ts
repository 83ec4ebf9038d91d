/** Settings kept in the browser: the refresh interval of live updates. */

const KEY = 'hlmon.refreshSeconds';

/** The refresh interval in seconds (15 s, the default scrape interval, unless the user changed it). */
export function loadRefreshSeconds(storage: Storage | undefined = globalThis.localStorage): number {
  const v = Number(storage?.getItem(KEY));
  return Number.isFinite(v) && v >= 1 && v <= 3600 ? v : 15;
}

/** Remembers the refresh interval. */
export function saveRefreshSeconds(seconds: number, storage: Storage | undefined = globalThis.localStorage): void {
  storage?.setItem(KEY, String(seconds));
}
