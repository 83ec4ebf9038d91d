#!/usr/bin/env node
// Builds the web UI into dist/: one minified ESM bundle with hashed names (ApexCharts split into its own
// chunk, loaded when the first chart appears), index.html pointing at it, the PWA manifest, SVG icons, and a
// .gz twin of every text file so the server can send it without compressing on each request.
import * as esbuild from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { gzipSync, constants } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'assets'), { recursive: true });

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: 'src/main.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: ['es2022'],
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  metafile: true,
  tsconfig: path.join(root, 'tsconfig.json'),
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

const main = Object.keys(result.metafile.outputs).find((f) => result.metafile.outputs[f].entryPoint === 'src/main.ts');
const mainUrl = '/assets/' + path.basename(main);

const html = (await readFile(path.join(root, 'public', 'index.html'), 'utf8')).replace('%MAIN%', mainUrl);
await writeFile(path.join(dist, 'index.html'), html);
for (const f of await readdir(path.join(root, 'public'))) {
  if (f !== 'index.html') await copyFile(path.join(root, 'public', f), path.join(dist, f));
}

// Precompress every text file; the server picks the .gz when the client accepts gzip.
let jsGzipBytes = 0;
for (const f of await readdir(dist, { recursive: true })) {
  if (!/\.(js|css|html|svg|webmanifest|json)$/.test(f)) continue;
  const gz = gzipSync(await readFile(path.join(dist, f)), { level: constants.Z_BEST_COMPRESSION });
  await writeFile(path.join(dist, f + '.gz'), gz);
  if (f.endsWith('.js')) jsGzipBytes += gz.length;
}
process.stdout.write(`webui: built ${path.relative(process.cwd(), dist)} (JavaScript ${(jsGzipBytes / 1024).toFixed(1)} KiB gzip)\n`);
