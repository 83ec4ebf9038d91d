/**
 * The abbreviation of the local time zone ("UTC", "CET", "CEST"), as Go's time.Now().Zone() reports it
 * for node_exporter's `node_time_zone_offset_seconds{time_zone}`.
 *
 * Intl.DateTimeFormat could answer this, but loading ICU's time zone data costs about 9 MB of resident
 * memory; the POSIX TZ rule at the end of a TZif file (or in $TZ) names the abbreviations directly.
 */
import { readFileSync } from 'node:fs';

/** Standard and daylight abbreviations and the standard offset in seconds east of UTC. */
export interface ZoneRule {
  readonly standard: string;
  readonly standardOffsetSeconds: number;
  readonly daylight: string | undefined;
}

const NAME = '(<[^>]+>|[A-Za-z]{3,})';
const OFFSET = '([-+]?\\d{1,2}(?::\\d{2}){0,2})';

/** Parses a POSIX TZ rule such as "UTC0", "CET-1CEST,M3.5.0,M10.5.0/3" or "<+03>-3". */
export function parsePosixTz(rule: string): ZoneRule | undefined {
  const m = new RegExp(`^${NAME}${OFFSET}${NAME}?`).exec(rule.trim());
  if (m === null) return undefined;
  const [h = '0', min = '0', sec = '0'] = m[2]!.replace(/^[-+]/, '').split(':');
  const magnitude = Number(h) * 3600 + Number(min) * 60 + Number(sec);
  const strip = (s: string): string => s.replace(/^<|>$/g, '');
  // POSIX offsets are west of UTC: "CET-1" is one hour east.
  return { standard: strip(m[1]!), standardOffsetSeconds: m[2]!.startsWith('-') || magnitude === 0 ? magnitude : -magnitude, daylight: m[3] === undefined ? undefined : strip(m[3]) };
}

/** Reads the rule from $TZ (a rule or a zone name) or /etc/localtime's TZif footer. */
export function loadZoneRule(tz: string | undefined, zoneinfo = '/usr/share/zoneinfo', localtime = '/etc/localtime'): ZoneRule | undefined {
  const fromTzif = (path: string): ZoneRule | undefined => {
    try {
      const text = readFileSync(path).toString('latin1');
      // TZif version 2+ ends with "\n<POSIX rule>\n".
      const footer = text.slice(text.lastIndexOf('\n', text.length - 2) + 1).trim();
      return parsePosixTz(footer);
    } catch {
      return undefined;
    }
  };
  if (tz !== undefined && tz !== '') {
    const name = tz.replace(/^:/, '');
    return fromTzif(name.startsWith('/') ? name : `${zoneinfo}/${name}`) ?? parsePosixTz(name);
  }
  return fromTzif(localtime);
}

/** The abbreviation in force for a UTC offset, given the zone's rule. */
export function zoneAbbreviation(rule: ZoneRule | undefined, offsetSeconds: number): string {
  if (rule === undefined) return offsetSeconds === 0 ? 'UTC' : '';
  if (offsetSeconds === rule.standardOffsetSeconds || rule.daylight === undefined) return rule.standard;
  return rule.daylight;
}
