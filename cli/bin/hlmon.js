#!/usr/bin/env node
// The hlmon command. The code lives in dist/ (built by `npm ci` through the root `prepare` script).
import { main } from '../dist/index.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { process.stderr.write(`hlmon: ${err?.message ?? err}\n`); process.exitCode = 1; },
);
