/**
 * The long-running commands: `hlmon start` and `hlmon server` (every part in one process), and
 * `hlmon scraper` and `hlmon api` (the two halves, for scale-out). They run until SIGINT or SIGTERM,
 * then stop every part (a scraper flushes everything it holds) and exit 0.
 */
import path from 'node:path';
import { parse, str, type Command, UsageError } from '../args.js';
import { createLogger, type Logger } from '../log.js';
import { formatConfigError, loadConfigFile, type HlmonConfig } from '@hlmon/scraper';
import { startApi, startScraper, startServer } from '../server.js';

type Role = 'start' | 'server' | 'scraper' | 'api';

const options = {
  'data-dir': { type: 'string' as const },
  listen: { type: 'string' as const },
  'database-url': { type: 'string' as const },
  config: { type: 'string' as const, short: 'c' },
};
const scraperOptions = { ...options, name: { type: 'string' as const } };

/** Default listen address per role: a scraper beside an api on one host must not collide with it. */
const DEFAULT_LISTEN: Record<Role, string> = { start: ':9800', server: ':9800', api: ':9800', scraper: ':9801' };

function makeCommand(name: Role, summary: string, usage: string): Command {
  return {
    name,
    summary,
    usage,
    async run(argv) {
      const { values } = parse(argv, name === 'scraper' ? scraperOptions : options);
      const configFile = str(values, 'config');
      if (name !== 'start' && !configFile) throw new UsageError(`${name} needs --config FILE`);
      const log = createLogger({ component: name });
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
      const databaseUrl = str(values, 'database-url') ?? (process.env.HLMON_DATABASE_URL || undefined) ?? config?.storage.url;
      // The scraper's port is its own: server.listen_address in hlmon.yml is the API's.
      const listen = str(values, 'listen') ?? (name === 'scraper' ? undefined : config?.server.listenAddress) ?? DEFAULT_LISTEN[name];
      const common = { ...(databaseUrl ? { databaseUrl } : {}), dataDir, listen, onSighup: true, log };
      let running: { url: string; store: { engine: string }; stop(): Promise<void> };
      if (name === 'scraper') {
        if (!databaseUrl) warnEmbeddedScraper(log, dataDir);
        const scraperName = str(values, 'name');
        running = await startScraper({ ...common, config: config!, configFile: configFile!, ...(scraperName ? { scraperName } : {}) });
      } else if (name === 'api') {
        // An api reads what scrapers wrote; an embedded database in its own data folder holds nothing of theirs.
        if (!databaseUrl) throw new UsageError('api reads what hlmon scraper processes write, so it needs the PostgreSQL they share: --database-url, $HLMON_DATABASE_URL or storage.url');
        running = await startApi({ ...common, config: config!, configFile: configFile! });
      } else {
        running = await startServer({ ...common, ...(config ? { config, configFile: configFile! } : {}), localExporter: name === 'start' });
      }
      const where = running.store.engine === 'pglite' ? `embedded PostgreSQL in ${dataDir}` : 'PostgreSQL';
      const what = name === 'scraper' ? 'hlmon scraper' : name === 'api' ? 'hlmon api' : 'hlmon';
      log.info(`${what} is running at ${running.url} (${where})`);
      process.stdout.write(`${what} is running at ${running.url} (${where}). Press Ctrl+C to stop.\n`);
      await new Promise<void>((resolve) => {
        const onSignal = (sig: string) => { log.info('stopping', { signal: sig }); resolve(); };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      await running.stop();
      log.info('stopped');
      return 0;
    },
  };
}

/**
 * A scraper without a database URL writes to an embedded PGlite in its data folder. That works alone, but
 * PGlite serves only the connections of the process that opened it, so no `hlmon api` can read it.
 */
function warnEmbeddedScraper(log: Logger, dataDir: string): void {
  log.warn(`no database URL: writing to an embedded database in ${dataDir}, which no hlmon api process can read; `
    + 'give the scrapers and the api one PostgreSQL (--database-url, $HLMON_DATABASE_URL or storage.url) to split them');
}

const common = `Options:
  --data-dir DIR        folder for the embedded database and spool (default ./data)
  --database-url URL    PostgreSQL URL (default: $HLMON_DATABASE_URL, else storage.url, else the embedded database)
  --listen HOST:PORT    HTTP listen address (default :9800)
  -c, --config FILE     hlmon.yml`;

/** `hlmon start`: the single-machine default. */
export const startCommand = makeCommand('start', 'run everything on this machine (embedded database unless a URL is given)',
  `Usage: hlmon start [options]\n\nRuns the server with the embedded PostgreSQL unless a database URL is set.\n\n${common}`);

/** `hlmon server`: the server with a config file. */
export const serverCommand = makeCommand('server', 'run the server (scraper, rules, API, web UI) from a config file',
  `Usage: hlmon server --config FILE [options]\n\n${common}`);

/** `hlmon scraper`: scraping and checks alone. */
export const scraperCommand = makeCommand('scraper', 'run only the scraper and checks, writing to the database (scale-out)',
  `Usage: hlmon scraper --config FILE [options]

Scrapes the config's scrape_configs and runs its checks, writing every sample to the database (spooled in
the data folder while the database is down), and publishes target and check health there for hlmon api.
Serves /metrics, /-/healthy, /-/ready, /api/v1/targets, /api/v1/checks and /prometheus/api/v1/targets
without authentication: keep its port internal. Reloads on SIGHUP and on file change; SIGTERM flushes
everything and exits 0. Rules, alerting and the server section are the api's and ignored here.

Options:
  --data-dir DIR        folder for the spool (and the embedded database) (default ./data)
  --database-url URL    PostgreSQL URL shared with hlmon api (default: $HLMON_DATABASE_URL, else storage.url,
                        else an embedded database that no api can read)
  --listen HOST:PORT    HTTP listen address (default :9801; server.listen_address is the api's)
  --name NAME           name its target health is published under, unique per database (default host:port)
  -c, --config FILE     hlmon.yml`);

/** `hlmon api`: the APIs, web UI and rules alone. */
export const apiCommand = makeCommand('api', 'run only the APIs, web UI and rules over what scrapers write (scale-out)',
  `Usage: hlmon api --config FILE [options]

Serves the REST API, the Prometheus API, the WebSocket stream, status pages and the web UI, and evaluates
the rules (they run where the query engine is), over what hlmon scraper processes write to the same
PostgreSQL. Target and check health are what the scrapers publish there every few seconds. Scrapes nothing.

Options:
  --data-dir DIR        data folder (default ./data)
  --database-url URL    PostgreSQL URL shared with the scrapers (required: $HLMON_DATABASE_URL or storage.url also do)
  --listen HOST:PORT    HTTP listen address (default :9800)
  -c, --config FILE     hlmon.yml`);
