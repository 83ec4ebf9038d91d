/**
 * Polls `fn` until it returns something other than undefined, and returns that; fails naming `what` after
 * `timeoutMs`. For end-to-end tests that wait on another process (a scrape, a reload, a browser update):
 * they poll for the state itself rather than sleeping a guessed time.
 */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; ignoreErrors?: boolean } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const v = opts.ignoreErrors ? await Promise.resolve().then(fn).catch(() => undefined) : await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}
