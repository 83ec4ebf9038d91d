/** runExporterCli: the `hlmon-exporter` / `hlmon exporter` main. */
import { ArgsError, exporterUsage, parseExporterArgs } from './args.js';
import { createExporter, ExporterConfigError } from './exporter.js';
import { stderrLogger } from './logger.js';
import { loadWebConfig, WebConfigError } from './web-config.js';

/** Runs the exporter until SIGINT/SIGTERM or `signal` aborts; resolves with the process exit code. */
export async function runExporterCli(argv: readonly string[], signal?: AbortSignal): Promise<number> {
  let args;
  try {
    args = parseExporterArgs(argv);
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`hlmon-exporter: ${err.message}\n\n${exporterUsage()}`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(exporterUsage());
    return 0;
  }
  if (args.version) {
    process.stdout.write(`hlmon-exporter 0.1.0 (node ${process.version})\n`);
    return 0;
  }
  const logger = stderrLogger(args.logLevel);
  let exporter;
  try {
    const webConfig = args.webConfigFile !== undefined ? loadWebConfig(args.webConfigFile) : undefined;
    exporter = createExporter({ ...args.options, webConfig, logger, afterScrape: minorGc() });
  } catch (err) {
    if (err instanceof WebConfigError || err instanceof ExporterConfigError) {
      process.stderr.write(`hlmon-exporter: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  // SIGINT, SIGTERM and the caller's signal all end the run.
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (signal?.aborted) stop.abort();
  else signal?.addEventListener('abort', onSignal, { once: true });
  try {
    await exporter.run(stop.signal, args.listenHost, args.listenPort, (url) => {
      logger.info(`listening on ${url}; collectors: ${exporter.enabledCollectors.join(', ')}`);
    });
  } catch (err) {
    // In practice a listen failure (address in use, permission denied for a port below 1024).
    logger.warn(`exporter stopped with an error on ${args.listenHost}:${args.listenPort}: ${(err as Error).message}`);
    await exporter.stop();
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signal?.removeEventListener('abort', onSignal);
  }
  logger.info('stopped');
  return 0;
}

/**
 * A young-generation collection when node runs with `--expose-gc` (the bin and the systemd unit pass it).
 * A scrape allocates about 0.7 MB, most of it dead once the response is sent; collecting it right then
 * costs a fraction of a millisecond with nothing waiting, while the same scavenge triggered by an
 * allocation inside the next scrape, after a second of idleness, costs that scrape several milliseconds.
 */
function minorGc(): (() => void) | undefined {
  const gc = globalThis.gc;
  return gc === undefined ? undefined : () => void gc({ type: 'minor', execution: 'sync' });
}
