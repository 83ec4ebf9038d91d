/**
 * Web UI performance with a realistic data set: 100 hosts of about 100 series each, 24 hours of 15 s data
 * (57.6 million samples), served by the real Koa app over MemoryStorage and hlmon's PromQL engine, driven by
 * headless Chromium. Prints JavaScript transferred (gzip), time from navigation to the first chart on the
 * overview and on a host page over 24 hours, and the store-to-screen latency of a new value, over the
 * WebSocket stream and by polling. The reference
 * measured side by side in the same run is the same UI answered by real Prometheus 2.42 over the same
 * samples, when `ref` is given: promtool reads its whole OpenMetrics input into memory and backfilled 57.6 M
 * samples (7.5 GB of text) at about 3 blocks in 8 minutes on 2 cores, so use it at a smaller scale, e.g.
 * `100 2 5 ref`.
 *
 *   npm run build -w @hlmon/webui && node --max-old-space-size=8192 --conditions=source --import=tsx bench/webui.ts [hosts=100] [hours=24] [runs=5] [ref] [waterfall]
 */
import os from 'node:os';
import { chromium, type Browser } from 'playwright-core';
import { Labels, ManualClock } from '@hlmon/model';
import { startTestServer, type TestServer } from '../webui/test/support/test-server.js';
import { generateHosts, generateHostsByFamily, seriesPerHost, type HostSpec } from '../webui/test/support/host-data.js';

const hostsN = Number(process.argv[2] ?? 100);
const hours = Number(process.argv[3] ?? 24);
const runs = Number(process.argv[4] ?? 5);
const withReference = process.argv.includes('ref');
/** `waterfall`: also print, for the last measured visit of each page, every request's start and end after navigation. */
const withWaterfall = process.argv.includes('waterfall');
const CONTAINERS = 5;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const START = NOW - hours * 3_600_000;
const TARGET_JS_KIB = 250;
const TARGET_FIRST_CHART_MS = 1000;

const hosts: HostSpec[] = Array.from({ length: hostsN }, (_, i) => ({
  instance: `host-${String(i).padStart(3, '0')}:9100`, hostname: `host-${String(i).padStart(3, '0')}`, containers: CONTAINERS, seed: i + 1,
}));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface PageFigures { jsGzipBytes: number; firstChartMs: number; allChartsMs: number; waterfall: string[] }

async function measurePage(browser: Browser, url: string, ready: string, count: number): Promise<PageFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  let jsGzipBytes = 0;
  const pending: Promise<void>[] = [];
  const finished: { url: string; startMs: number; endMs: number }[] = [];
  page.on('requestfinished', (req) => {
    // Resource timing is relative to the request's start time in ms since the epoch; navigation starts with the document.
    const t = req.timing();
    finished.push({ url: req.url(), startMs: t.startTime, endMs: t.startTime + t.responseEnd });
    if (!req.url().endsWith('.js')) return;
    pending.push(req.sizes().then((s) => { jsGzipBytes += s.responseBodySize; }));
  });
  await page.goto(url);
  // Written as a string: tsx would wrap a function's inner closures in a helper the page does not have.
  await page.waitForFunction(`(() => {
    const all = [];
    const walk = (root) => root.querySelectorAll('*').forEach((el) => { all.push(el); if (el.shadowRoot) walk(el.shadowRoot); });
    walk(document);
    return all.filter((el) => el.matches(${JSON.stringify(ready)})).length >= ${count};
  })()`, undefined, { timeout: 120_000, polling: 50 });
  const t = await page.evaluate(`({ first: performance.getEntriesByName('hl-first-chart')[0]?.startTime ?? NaN, now: performance.now() })`) as { first: number; now: number };
  await Promise.all(pending);
  await context.close();
  const t0 = Math.min(...finished.map((f) => f.startMs));
  const waterfall = finished.sort((a, b) => a.startMs - b.startMs).map((f) => {
    const u = new URL(f.url);
    const q = u.searchParams.get('query');
    return `${(f.startMs - t0).toFixed(0).padStart(6)} → ${(f.endMs - t0).toFixed(0).padStart(6)} ms  ${u.pathname}${q ? ` ${q.slice(0, 90)}` : ''}`;
  });
  return { jsGzipBytes, firstChartMs: t.first, allChartsMs: t.now, waterfall };
}

/**
 * Time from a stored sample to its value on screen: by polling every `refreshSeconds` (the WebSocket is
 * blocked in the page, so the UI falls back to polling), or by the stream (`'stream'`: polling once an hour,
 * and the server re-evaluates watched series after the "scrape" as it does after every real one).
 */
async function measureLive(browser: Browser, server: TestServer, clock: ManualClock, mode: number | 'stream', memoryAvailable: number): Promise<number> {
  // Each measurement stores a memory value of its own, so a value left by the one before cannot count.
  const shown = `${(100 * (1 - memoryAvailable / 1000)).toFixed(1)} %`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await context.addInitScript((s) => localStorage.setItem('hlmon.refreshSeconds', String(s)), mode === 'stream' ? 3600 : mode);
  if (mode !== 'stream') await context.addInitScript('window.WebSocket = function () { throw new Error("blocked by bench/webui.ts"); };');
  const page = await context.newPage();
  await page.goto(`${server.url}/?q=host-000`);
  await page.locator('hl-host-card').first().waitFor({ timeout: 120_000 });
  if (mode === 'stream') await page.locator('[data-stream="live"]').waitFor();
  // Let the first series evaluations of the subscription pass, so the one measured is the scrape's.
  await new Promise((r) => setTimeout(r, 1000));
  if (await page.locator('hl-host-card', { hasText: shown }).count() > 0) throw new Error(`the card already shows ${shown}`);
  // A "scrape" of host-000: every series the card shows gets a sample 15 s after the last one, with memory
  // at a value the card has not shown before.
  const t = clock.now() + 15_000;
  clock.set(t);
  const app = server.storage.appender();
  const base = { job: 'node', instance: 'host-000:9100' };
  app.append(Labels.from({ __name__: 'node_memory_MemTotal_bytes', ...base }), t, 1000);
  app.append(Labels.from({ __name__: 'node_memory_MemAvailable_bytes', ...base }), t, memoryAvailable);
  app.append(Labels.from({ __name__: 'up', ...base }), t, 1);
  const scrapedAt = Date.now();
  await app.commit();
  if (mode === 'stream') server.stream.seriesChanged();
  await page.locator('hl-host-card', { hasText: shown }).waitFor({ timeout: 120_000 });
  const latency = Date.now() - scrapedAt;
  await context.close();
  return latency;
}

async function measureEngine(label: string, server: TestServer, browser: Browser, rows: string[][]): Promise<void> {
  const overview: PageFigures[] = [];
  const host: PageFigures[] = [];
  // One unmeasured visit of each page first: a long-running server has its code compiled and warm.
  await measurePage(browser, `${server.url}/`, 'hl-host-card', 1);
  await measurePage(browser, `${server.url}/hosts/host-003%3A9100?range=24h`, 'hl-chart[data-drawn]', 8);
  for (let i = 0; i < runs; i++) {
    overview.push(await measurePage(browser, `${server.url}/`, 'hl-host-card', Math.min(hostsN, 1)));
    host.push(await measurePage(browser, `${server.url}/hosts/host-007%3A9100?range=24h`, 'hl-chart[data-drawn]', 8));
  }
  if (withWaterfall) {
    process.stdout.write(`\n${label}, overview (first chart ${overview.at(-1)!.firstChartMs.toFixed(0)} ms):\n${overview.at(-1)!.waterfall.join('\n')}\n`);
    process.stdout.write(`\n${label}, host 24 h (first chart ${host.at(-1)!.firstChartMs.toFixed(0)} ms):\n${host.at(-1)!.waterfall.join('\n')}\n`);
  }
  rows.push([label, 'overview', (median(overview.map((f) => f.jsGzipBytes)) / 1024).toFixed(1), median(overview.map((f) => f.firstChartMs)).toFixed(0), median(overview.map((f) => f.allChartsMs)).toFixed(0)]);
  rows.push([label, 'host 24 h', (median(host.map((f) => f.jsGzipBytes)) / 1024).toFixed(1), median(host.map((f) => f.firstChartMs)).toFixed(0), median(host.map((f) => f.allChartsMs)).toFixed(0)]);
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

const samplesTotal = hostsN * seriesPerHost(CONTAINERS) * (hours * 240 + 1);
process.stdout.write(`load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores (other work on the machine shows in the timings)\n`);
process.stdout.write(`bench/webui: ${hostsN} hosts × ${seriesPerHost(CONTAINERS)} series × ${hours} h of 15 s data ≈ ${(samplesTotal / 1e6).toFixed(1)} M samples, ${runs} runs (median), Chromium 1280×900, cold cache each run\n`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows: string[][] = [];
let t0 = Date.now();
const clock = new ManualClock(NOW);
const server = await startTestServer(() => generateHosts(hosts, START, NOW), { clock });
process.stdout.write(`loaded MemoryStorage in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
await measureEngine('hlmon Engine', server, browser, rows);
const liveDefault = await measureLive(browser, server, clock, 15, 877);
const liveFast = await measureLive(browser, server, clock, 1, 866);
const liveStream = await measureLive(browser, server, clock, 'stream', 855);
await server.stop();

if (withReference) {
  t0 = Date.now();
  const ref = await startTestServer(() => generateHosts(hosts, START, NOW), {
    clock: new ManualClock(NOW), engine: 'prometheus', groupedSamples: () => generateHostsByFamily(hosts, START, NOW),
  });
  process.stdout.write(`loaded the reference (MemoryStorage + promtool backfill + Prometheus start) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  await measureEngine('Prometheus 2.42 (ref)', ref, browser, rows);
  await ref.stop();
}
await browser.close();

process.stdout.write('\n' + table(['engine', 'page', 'JS gzip KiB', 'first chart ms', 'all charts ms'], rows) + '\n\n');
const ours = rows.filter((r) => r[0] === 'hlmon Engine');
const refs = rows.filter((r) => r[0] !== 'hlmon Engine');
for (const r of ours) {
  const ref = refs.find((x) => x[1] === r[1]);
  process.stdout.write(`${r[1].padEnd(10)} JS ${r[2]} KiB = ${(Number(r[2]) / TARGET_JS_KIB).toFixed(2)} × target ${TARGET_JS_KIB} KiB; first chart ${r[3]} ms = ${(Number(r[3]) / TARGET_FIRST_CHART_MS).toFixed(2)} × target 1 s`
    + (ref ? `, ${(Number(r[3]) / Number(ref[3])).toFixed(2)} × Prometheus-backed; all charts ${(Number(r[4]) / Number(ref[4])).toFixed(2)} × Prometheus-backed` : '') + '\n');
}
process.stdout.write(`load average at end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
process.stdout.write(`live value on screen after it was stored: ${liveStream} ms over the WebSocket stream (${(liveStream / 1000).toFixed(2)} × target 1000 ms); polling (stream blocked): ${liveDefault} ms every 15 s (the default), ${liveFast} ms every 1 s\n`);
