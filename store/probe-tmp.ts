import { Worker } from 'node:worker_threads';
import pg from 'pg';
import copy from 'pg-copy-streams';
const t0 = Date.now();
const file = 'file:///work/main/store/src/pglite-worker.ts';
const tsx = import.meta.resolve('tsx/esm/api');
const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(file)}); });`;
const w = new Worker(boot, { eval: true, workerData: { dataDir: '/tmp/probe-data', maxConnections: 2 } });
const port: number = await new Promise((res, rej) => { w.once('message', (m) => m.type === 'ready' ? res(m.port) : rej(new Error(m.message))); w.once('error', rej); });
console.log('ready', port, Date.now() - t0);
const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
await c.connect();
console.log((await c.query('select version()')).rows);
await c.query('create table if not exists x (a bigint, b float8)');
console.log((await c.query("select $1::float8 as a, '-0'::float8 as b, '5e-324'::float8 as c", ['NaN'])).rows);
try {
  const s = c.query(copy.from('COPY x FROM STDIN'));
  s.write('1\t2.5\n2\tNaN\n'); s.end();
  await new Promise((res, rej) => { s.on('finish', res); s.on('error', rej); });
  console.log('copy ok', (await c.query('select * from x')).rows);
} catch (e) { console.log('copy failed', e); }
await c.end();
w.postMessage({ type: 'stop' });
await new Promise((res) => w.once('message', res));
console.log('stopped');
