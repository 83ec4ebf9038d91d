/**
 * The HTML of a public status page: server-rendered, no script and no external assets, so it loads fast,
 * works with JavaScript off and needs no Content-Security-Policy exceptions.
 */

/** What the page shows (the JSON of /api/v1/status/:slug). */
export interface StatusPageView {
  readonly title: string;
  readonly description: string;
  readonly status: 'operational' | 'degraded' | 'down' | 'unknown';
  readonly checks: readonly { name: string; up: boolean | null; responseTimeMs: number | null; uptimeRatio90d: number | null; days: readonly { dayStartMs: number; ratio: number | null }[] }[];
  readonly incidents: readonly { check: string; startedAtMs: number; endedAtMs: number | null; lastError: string; failures: number }[];
}

function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function barColour(ratio: number | null): string {
  if (ratio === null) return '#ccc';
  if (ratio >= 0.999) return '#3bb143';
  if (ratio >= 0.99) return '#e6b800';
  return '#d9342b';
}

const HEADLINE = { operational: 'All systems operational', degraded: 'Some systems are down', down: 'All systems are down', unknown: 'No data yet' } as const;

/** Renders the page. */
export function renderStatusPage(v: StatusPageView, nowMs: number): string {
  const rows = v.checks.map((c) => {
    const bars = c.days.map((d) => `<span class="bar" style="background:${barColour(d.ratio)}" title="${new Date(d.dayStartMs).toISOString().slice(0, 10)}: ${d.ratio === null ? 'no data' : (d.ratio * 100).toFixed(2) + '%'}"></span>`).join('');
    const state = c.up === null ? 'unknown' : c.up ? 'up' : 'down';
    return `<section class="check"><h2><span class="dot ${state}"></span>${esc(c.name)}<small>${c.uptimeRatio90d === null ? '' : (c.uptimeRatio90d * 100).toFixed(2) + '% uptime (90 days)'}</small></h2><div class="bars">${bars}</div></section>`;
  }).join('\n');
  const incidents = v.incidents.length === 0 ? '<p>No incidents in the last 90 days.</p>' : `<ul>${v.incidents.map((i) =>
    `<li><strong>${esc(i.check)}</strong> ${new Date(i.startedAtMs).toISOString()} – ${i.endedAtMs === null ? 'ongoing' : new Date(i.endedAtMs).toISOString()}: ${esc(i.lastError)} (${i.failures} failed checks)</li>`).join('')}</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60"><title>${esc(v.title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#222}
.headline{padding:1rem;border-radius:6px;color:#fff;background:${v.status === 'operational' ? '#3bb143' : v.status === 'unknown' ? '#888' : '#d9342b'}}
.check h2{font-size:1rem;display:flex;align-items:center;gap:.5rem}.check small{margin-left:auto;color:#666;font-weight:normal}
.dot{width:.7rem;height:.7rem;border-radius:50%;display:inline-block}.dot.up{background:#3bb143}.dot.down{background:#d9342b}.dot.unknown{background:#999}
.bars{display:flex;gap:2px}.bar{flex:1;height:2rem;border-radius:2px}
footer{color:#888;font-size:.8rem;margin-top:2rem}
</style></head><body>
<h1>${esc(v.title)}</h1>${v.description ? `<p>${esc(v.description)}</p>` : ''}
<p class="headline">${HEADLINE[v.status]}</p>
${rows}
<h2>Incidents</h2>${incidents}
<footer>Updated ${new Date(nowMs).toISOString()} · hlmon</footer>
</body></html>
`;
}
