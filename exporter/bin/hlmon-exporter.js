#!/usr/bin/env -S node --no-opt --sparkplug --max-semi-space-size=1 --max-old-space-size=48 --expose-gc --predictable
// The hlmon-exporter binary: runs the built package (npm run build first).
//
// The V8 flags above keep resident memory near 55 MB instead of near 70-80 MB: a scrape is dominated by
// reading /proc and /sys, not by JavaScript, so the optimising compiler (TurboFan, off) buys little over
// the baseline compiler (Sparkplug, on) and costs memory, and a small young generation is enough for the
// few megabytes a scrape allocates. --predictable is here for one of its effects: V8 otherwise shrinks
// the young generation and returns its pages to the kernel at every scavenge while the allocation rate is
// below 1 MB/s, which it always is at one scrape every few seconds, so each scrape page-faulted its
// ~0.7 MB of allocations back in (about 150 faults; 0.4-0.6 ms of a cold scrape). Its other effects suit
// the exporter too: no background GC or compiler threads (the heap is under 10 MB) and no memory reducer.
// The systemd unit passes the same flags, since a shebang is ignored when node is invoked directly.
import { runExporterCli } from '../dist/index.js';

runExporterCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`hlmon-exporter: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
