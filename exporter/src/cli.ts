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
    exporter = createExporter({ ...args.options, webConfig, logger });
  } catch (err) {
    if (err instanceof WebConfigError || err instanceof ExporterConfigError) {
      process.stderr.write(`hlmon-exporter: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let server;
  try {
    server = await exporter.listen(args.listenHost, args.listenPort);
  } catch (err) {
    logger.warn(`cannot listen on ${args.listenHost}:${args.listenPort}: ${(err as Error).message}`);
    return 1;
  }
  logger.info(`listening on ${server.url}; collectors: ${exporter.enabledCollectors.join(', ')}`);
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
  logger.info('stopping');
  await exporter.stop();
  return 0;
}
