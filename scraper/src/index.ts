/** @hlmon/scraper: Scrapes Prometheus targets and runs uptime checks. */
export {};
