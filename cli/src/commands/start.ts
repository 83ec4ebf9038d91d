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
      const running = await startServer({
        databaseUrl: str(values, 'database-url') ?? (process.env.HLMON_DATABASE_URL || undefined),
        dataDir: path.resolve(str(values, 'data-dir')!),
        listen: str(values, 'listen')!,
        log,
      });
      const where = running.store.engine === 'pglite' ? `embedded PostgreSQL in ${path.resolve(str(values, 'data-dir')!)}` : 'PostgreSQL';
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
