/** A chai-friendly replacement for chai-as-promised's `rejectedWith`. */

/**
 * Awaits `promise`, which must reject, and returns the rejection reason for further assertions.
 * Fails with a clear message when it resolves instead.
 */
export async function rejects(promise: Promise<unknown> | (() => Promise<unknown>)): Promise<Error> {
  let value: unknown;
  try {
    value = await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected a rejection, but the promise resolved with ${JSON.stringify(value)}`);
}
