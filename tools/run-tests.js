#!/usr/bin/env node
// Runs every package's tests in one mocha process, straight from TypeScript source (tsx), so that
// `npm test` needs no build. Package imports resolve to src/ through the "source" export condition.
// Usage: npm test [-- <package|file> ...] [-- mocha options]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['model', 'store', 'query', 'exporter', 'scraper', 'rules', 'api', 'webui', 'cli', 'testkit'];
const args = process.argv.slice(2);
const selectors = args.filter((a) => !a.startsWith('-'));
const options = args.filter((a) => a.startsWith('-'));
const specs = selectors.length === 0
  ? packages.filter((p) => hasTests(path.join(root, p, 'test'))).map((p) => `${p}/test/**/*.test.ts`)
  : selectors.map((s) => (packages.includes(s) ? `${s}/test/**/*.test.ts` : s));

function hasTests(dir) {
  return existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));
}

const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const result = spawnSync(process.execPath, [
  '--conditions=source', '--import=tsx', mocha,
  '--reporter', path.join(root, 'tools', 'summary-reporter.js'),
  '--timeout', '60000', '--exit',
  ...options, ...specs,
], { cwd: root, stdio: 'inherit', env: { ...process.env, HLMON_LOG_LEVEL: process.env.HLMON_LOG_LEVEL ?? 'warn' } });
process.exit(result.status ?? 1);
