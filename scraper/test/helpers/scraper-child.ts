/**
 * A scraper in a process of its own, so a test can kill it with SIGKILL. Usage (JSON argument):
 *   node --conditions=source --import=tsx scraper-child.ts '{"url":..., "dataDir":..., "config":..., "maxBufferedSamples":...}'
 * Prints one JSON line per scrape ({job, ok, t}) and `ready` once started; stops cleanly on SIGTERM.
 */
import { openStore } from '@hlmon/store';
import { parseConfig, Scraper } from '@hlmon/scraper';

const args = JSON.parse(process.argv[2]!) as { url: string; dataDir: string; config: string; maxBufferedSamples: number };
const store = await openStore({ url: args.url, connectTimeoutMs: 1000 });
const scraper = new Scraper({ appender: () => store.appender(), dataDir: args.dataDir, maxBufferedSamples: args.maxBufferedSamples, retryDelayMs: 50 });
scraper.on('scrape', (h) => process.stdout.write(JSON.stringify({ job: h.job, ok: h.health === 'up', t: h.lastScrapeMs }) + '\n'));
const cfg = parseConfig(args.config, 'hlmon.yml', { env: {} });
if (cfg.errors) throw new Error(JSON.stringify(cfg.errors));
await scraper.applyConfig(cfg.config);
await scraper.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void (async () => {
    await scraper.stop(200);
    await store.close();
    process.stdout.write('stopped\n');
    process.exit(0);
  })();
});
