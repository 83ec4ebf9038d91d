/**
 * The loading, error and empty states every panel shows instead of a blank space.
 */
import { html, type TemplateResult } from 'lit';
import type { Loader } from './loader.js';
import { HttpError } from './api-client.js';

/** Renders a loader: a skeleton while the first load runs, the error with a retry button, else `ok(value)`. */
export function renderLoad<T>(loader: Loader<T>, ok: (value: T) => unknown, opts: { empty?: (value: T) => boolean; emptyText?: string; label?: string } = {}): unknown {
  if (loader.value === undefined) {
    if (loader.status === 'error') return errorState(loader.error!, () => loader.run());
    return loadingState(opts.label);
  }
  const stale = loader.status === 'error' ? html`<p class="state error" role="status">Showing the last data: ${message(loader.error!)}</p>` : '';
  if (opts.empty?.(loader.value)) return html`${stale}<p class="state" role="status">${opts.emptyText ?? 'Nothing here yet.'}</p>`;
  return html`${stale}${ok(loader.value)}`;
}

/** A skeleton with a screen-reader label. */
export function loadingState(label = 'Loading'): TemplateResult {
  return html`<div role="status" aria-live="polite" aria-busy="true"><span class="visually-hidden">${label}…</span><div class="skeleton"></div><div class="skeleton" style="width:70%"></div></div>`;
}

/** An error with a retry button. */
export function errorState(err: Error, retry?: () => void): TemplateResult {
  return html`<div class="state error" role="alert">
    <strong>Could not load.</strong> ${message(err)}
    ${retry ? html` <button @click=${retry}>Retry</button>` : ''}
  </div>`;
}

function message(err: Error): string {
  if (err instanceof HttpError && err.status === 404 && err.code === 'not_found') return `This server does not provide it yet (${err.message}).`;
  return err.message;
}
