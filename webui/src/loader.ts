/**
 * A reactive controller that loads data for a component: pending, error and value states, an AbortSignal
 * that cancels the previous load when a new one starts, and the last good value kept while reloading so live
 * updates do not flash a spinner. (The same idea as @lit/task, which is not a dependency here.)
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Where a loader is. */
export type LoadStatus = 'initial' | 'pending' | 'complete' | 'error';

/** Loads one value for a host element. */
export class Loader<T> implements ReactiveController {
  status: LoadStatus = 'initial';
  value: T | undefined;
  error: Error | undefined;
  private controller: AbortController | undefined;

  constructor(private readonly host: ReactiveControllerHost, private readonly load: (signal: AbortSignal) => Promise<T>) {
    host.addController(this);
  }

  /** Starts a load, cancelling one that is running. */
  run(): Promise<void> {
    this.controller?.abort();
    const ac = (this.controller = new AbortController());
    this.status = this.value === undefined ? 'pending' : this.status;
    this.host.requestUpdate();
    return this.load(ac.signal).then(
      (value) => {
        if (ac.signal.aborted) return;
        this.value = value;
        this.error = undefined;
        this.status = 'complete';
        this.host.requestUpdate();
      },
      (err: unknown) => {
        if (ac.signal.aborted) return;
        this.error = err instanceof Error ? err : new Error(String(err));
        this.status = 'error';
        this.host.requestUpdate();
      },
    );
  }

  hostDisconnected(): void {
    this.controller?.abort();
  }
}
