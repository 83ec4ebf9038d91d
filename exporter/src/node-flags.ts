/**
 * The V8 flags the exporter runs with, in one place: the bin's shebang, the systemd unit and
 * `hlmon exporter` (which re-executes node with them) must agree, and a test checks that they do.
 * Why each flag is there is explained in bin/hlmon-exporter.js.
 */
export const EXPORTER_NODE_FLAGS: readonly string[] = [
  '--no-opt',
  '--sparkplug',
  '--max-semi-space-size=1',
  '--max-old-space-size=48',
  '--expose-gc',
  '--predictable',
];

/** The built bin, for callers that start the exporter as its own node process with these flags. */
export const EXPORTER_BIN_URL = new URL('../bin/hlmon-exporter.js', import.meta.url);
