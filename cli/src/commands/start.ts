/**
 * `hlmon start` and `hlmon server`: run the server until SIGINT or SIGTERM.
 */
import path from 'node:path';
import { parse, str, type Command, UsageError } from '../args.js';
import { createLogger } from '../log.js';
import { formatConfigError, loadConfigFile, type HlmonConfig } from '@hlmon/scraper';
import { startServer } from '../server.js';

const options = {
  'data-dir': { type: 'string' as const },
  listen: { type: 'string' as const },
  'database-url': { type: 'string' as const },
  config: { type: 'string' as const, short: 'c' },
};

function makeServerCommand(name: 'start' | 'server', summary: string, usage: string): Command {
  return {
    name,
    summary,
    usage,
    async run(argv) {
      const { values } = parse(argv, options);
      if (name === 'server' && !str(values, 'config')) throw new UsageError('server needs --config FILE');
      const log = createLogger({ component: name });
      const configFile = str(values, 'config');
      let config: HlmonConfig | undefined;
      if (configFile) {
        const result = await loadConfigFile(configFile);
        if (result.errors) {
          for (const e of result.errors) process.stderr.write(`${formatConfigError(e)}\n`);
          process.stderr.write(`hlmon ${name}: ${configFile} has ${result.errors.length} error(s); not starting\n`);
          return 1;
        }
        config = result.config;
      }
      // Flags win over the environment, which wins over the config file.
      const dataDir = path.resolve(str(values, 'data-dir') ?? config?.storage.dataDir ?? 'data');
      const running = await startServer({
        databaseUrl: str(values, 'database-url') ?? (process.env.HLMON_DATABASE_URL || undefined) ?? config?.storage.url,
        dataDir,
        listen: str(values, 'listen') ?? config?.server.listenAddress ?? ':9800',
        ...(config ? { config, configFile: configFile! } : {}),
        localExporter: name === 'start',
        onSighup: true,
        log,
      });
      const where = running.store.engine === 'pglite' ? `embedded PostgreSQL in ${dataDir}` : 'PostgreSQL';
      log.info(`hlmon is running at ${running.url} (${where})`);
      process.stdout.write(`hlmon is running at ${running.url} (${where}). Press Ctrl+C to stop.\n`);
      await new Promise<void>((resolve) => {
        const onSignal = (sig: string) => { log.info('stopping', { signal: sig }); resolve(); };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      await running.stop();
      return 0;
    },
  };
}

const common = `Options:
  --data-dir DIR        folder for the embedded database and spool (default ./data)
  --database-url URL    PostgreSQL URL (default: $HLMON_DATABASE_URL, else the embedded database)
  --listen HOST:PORT    HTTP listen address (default :9800)
  -c, --config FILE     hlmon.yml`;

/** `hlmon start`: the single-machine default. */
export const startCommand = makeServerCommand('start', 'run everything on this machine (embedded database unless a URL is given)',
  `Usage: hlmon start [options]\n\nRuns the server with the embedded PostgreSQL unless a database URL is set.\n\n${common}`);

/** `hlmon server`: the server with a config file. */
export const serverCommand = makeServerCommand('server', 'run the server (scraper, rules, API, web UI) from a config file',
  `Usage: hlmon server --config FILE [options]\n\n${common}`);
