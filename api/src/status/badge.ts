/**
 * SVG badges in the familiar two-part flat style (label on grey, value on a colour). Widths are estimated
 * from character counts (Verdana 11px averages about 7 px per character), which is close enough for short
 * labels and keeps the badge free of font files.
 */

/** Badge colours. */
export const BADGE_COLOURS = { green: '#4c1', yellow: '#dfb317', orange: '#fe7d37', red: '#e05d44', grey: '#9f9f9f' } as const;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function textWidth(s: string): number {
  return Math.round(s.length * 7 + 10);
}

/** Renders a badge. */
export function renderBadge(label: string, value: string, colour: string): string {
  const lw = textWidth(label);
  const vw = textWidth(value);
  const w = lw + vw;
  const l = escapeXml(label);
  const v = escapeXml(value);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${v}">
<title>${l}: ${v}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${colour}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="14">${l}</text><text x="${lw + vw / 2}" y="14">${v}</text></g>
</svg>
`;
}

/** Colour of an uptime ratio (0..1). */
export function uptimeColour(ratio: number): string {
  if (ratio >= 0.999) return BADGE_COLOURS.green;
  if (ratio >= 0.99) return BADGE_COLOURS.yellow;
  if (ratio >= 0.95) return BADGE_COLOURS.orange;
  return BADGE_COLOURS.red;
}

/** Colour of a response time. */
export function responseColour(ms: number): string {
  if (ms < 300) return BADGE_COLOURS.green;
  if (ms < 1000) return BADGE_COLOURS.yellow;
  return BADGE_COLOURS.red;
}

/** A ratio as a percentage with up to three decimals, `99.95%`. */
export function formatPercent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(ratio >= 0.9999 && ratio < 1 ? 3 : 2))}%`;
}
