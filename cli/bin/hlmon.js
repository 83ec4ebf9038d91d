#!/usr/bin/env -S node --max-semi-space-size=64
// The hlmon command. The code lives in dist/ (built by `npm ci` through the root `prepare` script).
// The V8 flag above is SCRAPER_NODE_FLAGS (scraper/src/node-flags.ts says why); `npm start` and
// docker-compose.yml pass the same, since a shebang is ignored when node is invoked directly.
import { main } from '../dist/index.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { process.stderr.write(`hlmon: ${err?.message ?? err}\n`); process.exitCode = 1; },
);
