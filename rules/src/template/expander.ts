/**
 * Expands the label and annotation templates of an alerting rule the way Prometheus does: each template
 * is prefixed with the `$labels`, `$externalLabels`, `$externalURL` and `$value` definitions, missing map
 * keys print as empty strings, and a failure yields `<error expanding template: ...>` instead of aborting.
 */
import { parseTemplate, TemplateError, type ParsedTemplate } from './parse.js';
import { TemplateExecutor } from './exec.js';
import { templateFuncs, type TemplateQueryFn } from './funcs.js';

const DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** The data an alert template sees. */
export interface AlertTemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
}

/** Parses an alert template (with the Prometheus prelude) or throws TemplateError. */
export function parseAlertTemplate(text: string, name: string): ParsedTemplate {
  return parseTemplate(DEFS + text, name);
}

/**
 * Renders one alert template; never throws: errors become Prometheus's `<error expanding template: ...>` text.
 * `cache` (owned by the caller, typically one per rule) keeps parsed templates across evaluations.
 */
export async function expandAlertTemplate(text: string, name: string, data: AlertTemplateData, query?: TemplateQueryFn, cache?: Map<string, ParsedTemplate>): Promise<string> {
  // Text without actions is returned as is; that is most label values and keeps evaluation cheap.
  if (!text.includes('{{')) return text;
  let parsed = cache?.get(text);
  if (!parsed) {
    try {
      parsed = parseAlertTemplate(text, name);
    } catch (err) {
      return `<error expanding template: error parsing template ${name}: ${(err as Error).message}>`;
    }
    cache?.set(text, parsed);
  }
  const exec = new TemplateExecutor(templateFuncs({ externalURL: data.externalURL, ...(query ? { query } : {}) }));
  try {
    return await exec.execute(parsed, {
      Labels: data.labels,
      ExternalLabels: data.externalLabels,
      ExternalURL: data.externalURL,
      Value: data.value,
    });
  } catch (err) {
    const msg = err instanceof TemplateError ? err.message : String((err as Error).message ?? err);
    return `<error expanding template: error executing template ${name}: ${msg}>`;
  }
}
