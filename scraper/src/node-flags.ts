/**
 * The V8 flags the processes that scrape run with (`hlmon start`, `hlmon server`, `hlmon scraper`), in one
 * place: the hlmon bin's shebang, the root `npm start` script, docker-compose.yml and bench/scrape.ts must
 * agree, and a test in cli checks that they do.
 *
 * --max-semi-space-size=64 (MB; V8's default ceiling is 16 on 64-bit): a scrape's batch waits in the write
 * buffer for up to a second before its commit, longer when PostgreSQL lags. With 16 MB semi-spaces and
 * ~30 MB/s of allocation at 1,000 targets every few seconds, two scavenges passed during that wait, so
 * every batch was promoted to the old generation, and the major collections that followed marked the whole
 * long-lived heap (the targets' scrape caches and half a million series' labels, ~1 GB) again and again.
 * In bench/scrape.ts the scraper's CPU per sample at a 5 s interval fell from 6.4-6.9 µs to 4.2-4.7 µs with
 * 32, 64 or 128 MB alike (one run each). 64 rather than 32 because near the ceiling commits queue for a few
 * seconds, and batches outlive two scavenges again unless the young generation is larger; a later run
 * with 32 MB measured the scraper at 6.7-9.0 µs per sample (cause not verified; see docs/scraping.md,
 * third round). V8 only grows the young generation up to this size when survival is
 * high, so a home lab's handful of targets never pays the extra memory (up to 3 x 64 MB at full size).
 */
export const SCRAPER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
