/** The scraper's own metrics in the Prometheus text format (`hlmon_scraper_*`, `hlmon_write_*`). */
import type { CheckState } from './checks/check-runner.js';
import type { TargetHealth } from './scrape/loop.js';
import type { WriteStats } from './write/write-buffer.js';

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Renders the self metrics. */
export function renderSelfMetrics(
  targets: readonly TargetHealth[],
  checks: readonly CheckState[],
  sched: { runs: number; missed: number; queued: number; lagP50Ms: number; lagP99Ms: number },
  write: WriteStats | undefined,
): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, lines: string[]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  };
  const byJob = new Map<string, number>();
  for (const t of targets) {
    const k = `job="${esc(t.job)}",health="${t.health}"`;
    byJob.set(k, (byJob.get(k) ?? 0) + 1);
  }
  metric('hlmon_scraper_targets', 'gauge', 'Active targets by job and health.', [...byJob].map(([k, v]) => `hlmon_scraper_targets{${k}} ${v}`));
  const byHealth = new Map<string, number>();
  for (const c of checks) byHealth.set(c.health, (byHealth.get(c.health) ?? 0) + 1);
  metric('hlmon_scraper_checks', 'gauge', 'Uptime checks by health.', [...byHealth].map(([h, v]) => `hlmon_scraper_checks{health="${h}"} ${v}`));
  metric('hlmon_scraper_runs_total', 'counter', 'Scrapes and check runs started.', [`hlmon_scraper_runs_total ${sched.runs}`]);
  metric('hlmon_scraper_missed_runs_total', 'counter', 'Scrape or check slots skipped because the previous run was still going or the process was late.', [`hlmon_scraper_missed_runs_total ${sched.missed}`]);
  metric('hlmon_scraper_queue_depth', 'gauge', 'Runs waiting for the concurrency limit.', [`hlmon_scraper_queue_depth ${sched.queued}`]);
  metric('hlmon_scraper_lag_seconds', 'summary', 'Delay between a scheduled slot and the start of its run, over recent runs.', [
    `hlmon_scraper_lag_seconds{quantile="0.5"} ${sched.lagP50Ms / 1000}`,
    `hlmon_scraper_lag_seconds{quantile="0.99"} ${sched.lagP99Ms / 1000}`,
  ]);
  if (write) {
    metric('hlmon_write_buffered_samples', 'gauge', 'Samples waiting in memory to be written.', [`hlmon_write_buffered_samples ${write.bufferedSamples}`]);
    metric('hlmon_write_spool_bytes', 'gauge', 'Bytes of samples waiting in the spool on disk.', [`hlmon_write_spool_bytes ${write.spoolBytes}`]);
    metric('hlmon_write_samples_total', 'counter', 'Samples committed to the store.', [`hlmon_write_samples_total ${write.samplesWritten}`]);
    metric('hlmon_write_commits_total', 'counter', 'Commits to the store.', [`hlmon_write_commits_total ${write.commits}`]);
    metric('hlmon_write_duplicate_batches_total', 'counter', 'Commits skipped by the store because their batch id was already committed (a retry or replay of a batch already written).', [`hlmon_write_duplicate_batches_total ${write.duplicateBatches}`]);
    metric('hlmon_write_errors_total', 'counter', 'Failed commits (each retried).', [`hlmon_write_errors_total ${write.writeErrors}`]);
    metric('hlmon_write_spooled_samples_total', 'counter', 'Samples that went through the spool.', [`hlmon_write_spooled_samples_total ${write.spooledSamples}`]);
  }
  return out.join('\n') + '\n';
}
