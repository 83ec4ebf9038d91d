/**
 * TextCache: a parser given the cache of a source's previous text must report exactly what a parser
 * without it reports (entries, values, metadata strings, errors and their positions), while handing back
 * the caller's stored entries for unchanged series texts.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ParseError, TextCache, TextParser, parseAll, writeText, type TextFormat } from '@hlmon/model';
import { seededRandom } from '@hlmon/testkit';

const here = path.dirname(fileURLToPath(import.meta.url));
const node = readFileSync(path.join(here, 'fixtures', 'node_exporter-1.5.txt'), 'utf8');
const blackbox = readFileSync(path.join(here, 'fixtures', 'blackbox_exporter-0.23-http_2xx.txt'), 'utf8');
const promClient = readFileSync(path.join(here, 'fixtures', 'prom-client-15.1.3-default-metrics.txt'), 'utf8');

const rng = seededRandom;

const ALPHABET = '{}=",\\#\n\r\t .-+eE0123456789abcxyz_:NaInf HELP TYPE UNIT EOF ü\u0000';

function mutate(text: string, next: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (s.length + 1));
    const ch = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
    const op = next();
    if (op < 0.34) s = s.slice(0, at) + ch + s.slice(at + 1);
    else if (op < 0.67) s = s.slice(0, at) + ch + s.slice(at);
    else s = s.slice(0, at) + s.slice(at + 1);
  }
  return s;
}

/** The same text with every plain decimal value's last mantissa digit moved by `k` (values change, series do not). */
function withOtherValues(text: string, k: number): string {
  return text.replace(/^([^#\n][^\n]*?[} ]|[a-zA-Z_:][a-zA-Z0-9_:]* )(-?\d+(?:\.\d+)?)((?:e[-+]\d+)?(?: \d+)?)$/gm,
    (_m, head: string, num: string, tail: string) => head + num.slice(0, -1) + String((Number(num.slice(-1)) + k) % 10) + tail);
}

interface Options { cache?: TextCache<{ key: string }>; checkNames?: 'lazy' | 'eager' }

/**
 * Parses `text` as a scrape loop does (the labels of a series only when the cache has no entry for it)
 * and returns everything seen as comparable strings, ending with the error if there is one.
 */
function scrape(text: string, format: TextFormat, opts: Options = {}): string[] {
  const out: string[] = [];
  try {
    const p = new TextParser(text, format, opts);
    for (let k = p.next(); k !== 'eof'; k = p.next()) {
      switch (k) {
        case 'series': {
          let entry = p.cachedEntry();
          if (entry === undefined) {
            entry = { key: p.labels().key };
            p.setCachedEntry(entry);
          }
          out.push(`series ${p.series()} ${entry.key} ${String(p.value())} ${p.timestampMs()}`);
          break;
        }
        case 'help': out.push(`help ${p.metaName()} ${p.help()}`); break;
        case 'type': out.push(`type ${p.metaName()} ${p.type()}`); break;
        case 'unit': out.push(`unit ${p.metaName()} ${p.unit()}`); break;
        case 'comment': out.push(`comment ${p.comment()}`); break;
      }
    }
    out.push('eof');
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    out.push(`ParseError ${err.line}:${err.column} ${err.message}`);
  }
  return out;
}

/** The entries a parse with `cache` hands back, one per series (undefined on a miss). */
function storedEntries(text: string, cache: TextCache<{ key: string }>): Array<{ key: string } | undefined> {
  const p = new TextParser(text, 'prometheus', { cache });
  const out: Array<{ key: string } | undefined> = [];
  for (let k = p.next(); k !== 'eof'; k = p.next()) {
    if (k !== 'series') continue;
    const e = p.cachedEntry();
    out.push(e);
    if (e === undefined) p.setCachedEntry({ key: p.labels().key });
  }
  return out;
}

describe('TextCache', () => {
  it('reads a sequence of real scrapes with changing values exactly as a parser without a cache does', () => {
    const cache = new TextCache<{ key: string }>();
    for (const base of [node, blackbox, promClient]) {
      for (let k = 0; k < 4; k++) {
        const text = withOtherValues(base, k);
        if (k > 0) expect(text).to.not.equal(base);
        expect(scrape(text, 'prometheus', { cache })).to.deep.equal(scrape(text, 'prometheus'));
      }
    }
  });

  it('hands back the entry stored for a series text in the previous scrape', () => {
    const cache = new TextCache<{ key: string }>();
    const first = storedEntries(node, cache);
    expect(first.every((e) => e === undefined)).to.equal(true);
    const p = new TextParser(withOtherValues(node, 3), 'prometheus', { cache });
    let hits = 0;
    for (let k = p.next(); k !== 'eof'; k = p.next()) {
      if (k !== 'series') continue;
      expect(p.cachedEntry()?.key).to.equal(p.labels().key);
      hits++;
    }
    expect(hits).to.equal(first.length);
  });

  it('still finds the entries after series were added and removed before them', () => {
    const cache = new TextCache<{ key: string }>();
    storedEntries('a 1\nb{x="1"} 2\nc 3\nd 4\n', cache);
    // `new` shifts every position by one; `b` is gone; `c` and `d` must still be found.
    const second = storedEntries('new{y="2"} 0\na 1\nc 3\nd 4\n', cache);
    expect(second.map((e) => e?.key)).to.deep.equal([undefined, '__name__="a"', '__name__="c"', '__name__="d"']);
  });

  it('forgets the lines of the previous scrape that the new scrape does not have', () => {
    const cache = new TextCache<{ key: string }>();
    storedEntries('# HELP a A.\na 1\nb 2\nc 3\n', cache);
    expect(cache.size).to.equal(3);
    storedEntries('a 1\nc 3\n', cache);
    expect(cache.size).to.equal(2);
    expect(storedEntries('b 2\n', cache)).to.deep.equal([undefined]);
  });

  it('forgets the last lines when a scrape ends early but is otherwise unchanged', () => {
    const cache = new TextCache<{ key: string }>();
    storedEntries('# TYPE a gauge\na 1\nb 2\nc 3\n', cache);
    expect(storedEntries('# TYPE a gauge\na 4\nb 5\n', cache).every((e) => e !== undefined)).to.equal(true);
    expect(cache.size).to.equal(2);
    expect(storedEntries('# TYPE a gauge\na 1\nb 2\nc 3\n', cache).map((e) => e?.key)).to.deep.equal(['__name__="a"', '__name__="b"', undefined]);
  });

  it('undoes a pass that failed after only known lines, and keeps what the previous pass knew', () => {
    const cache = new TextCache<{ key: string }>();
    storedEntries('# HELP a A.\n# TYPE a gauge\na 1\nb 2\n', cache);
    expect(() => storedEntries('# HELP a A.\n# TYPE a gauge\na 1\nb x\n', cache)).to.throw(ParseError);
    expect(cache.size).to.equal(2);
    expect(storedEntries('# HELP a A.\n# TYPE a gauge\na 3\nb 4\n', cache).map((e) => e?.key)).to.deep.equal(['__name__="a"', '__name__="b"']);
  });

  it('undoes a pass that ended in a ParseError, so failed scrapes do not grow it', () => {
    const cache = new TextCache<{ key: string }>();
    storedEntries('a 1\nb 2\n', cache);
    for (let i = 0; i < 5; i++) {
      expect(() => storedEntries(`x${i} 1\ny${i}{z="1"} 2\nbroken{\n`, cache)).to.throw(ParseError);
      // The lines of the failed pass are dropped when the next one starts: at most one pass's worth stays.
      expect(cache.size).to.equal(4);
    }
    expect(storedEntries('a 5\nb 6\n', cache).map((e) => e?.key)).to.deep.equal(['__name__="a"', '__name__="b"']);
    expect(cache.size).to.equal(2);
  });

  it('lets a newer parser take the cache over from one that did not finish', () => {
    const cache = new TextCache<{ key: string }>();
    storedEntries('a 1\nb 2\n', cache);
    const old = new TextParser('a 1\nzz 2\n', 'prometheus', { cache });
    expect(old.next()).to.equal('series');
    expect(storedEntries('a 1\nb 2\n', cache).every((e) => e !== undefined)).to.equal(true);
    // The old parser carries on, without the cache, and reads its text as before.
    expect(old.next()).to.equal('series');
    expect(old.series()).to.equal('zz');
    expect(old.cachedEntry()).to.equal(undefined);
    expect(old.next()).to.equal('eof');
    expect(cache.size).to.equal(2);
  });

  it('raises the same error at the same position when a known series line gets a bad value', () => {
    const cache = new TextCache<{ key: string }>();
    scrape('m{a="1"} 1\nn 2\n', 'prometheus', { cache });
    const bad = 'm{a="1"} 1x\nn 2\n';
    expect(scrape(bad, 'prometheus', { cache })).to.deep.equal(scrape(bad, 'prometheus'));
    expect(scrape(bad, 'prometheus').at(-1)).to.match(/^ParseError 1:10 /);
  });

  it('does not take a bare name for a longer name or a labelled series that starts with it', () => {
    const cache = new TextCache<{ key: string }>();
    scrape('m 1\nm_total 2\nm 3\n', 'prometheus', { cache });
    // `m1 2` must not be read as `m` with the value 1 and the timestamp 2.
    const text = 'm {a="1"} 1\nm_total{b="2"} 2\nm1 2\n';
    expect(scrape(text, 'prometheus', { cache })).to.deep.equal(scrape(text, 'prometheus'));
  });

  it('hands out the same HELP and TYPE strings as before for unchanged metadata lines', () => {
    const cache = new TextCache();
    const meta = (text: string): string[] => {
      const p = new TextParser(text, 'prometheus', { cache });
      const out: string[] = [];
      for (let k = p.next(); k !== 'eof'; k = p.next()) if (k === 'help' || k === 'type') out.push(p.metaName(), k === 'help' ? p.help() : p.type());
      return out;
    };
    const text = '# HELP m Line one\\nline two \\\\ "q".\n# TYPE m counter\nm 1\n# HELP m2 x\r\n# TYPE m2 gauge\r\nm2 2\r\n';
    expect(meta(text)).to.deep.equal(['m', 'Line one\nline two \\ "q".', 'm', 'counter', 'm2', 'x', 'm2', 'gauge']);
    expect(meta(text)).to.deep.equal(['m', 'Line one\nline two \\ "q".', 'm', 'counter', 'm2', 'x', 'm2', 'gauge']);
    expect(meta(text.replace('counter', 'gauge'))).to.deep.equal(['m', 'Line one\nline two \\ "q".', 'm', 'gauge', 'm2', 'x', 'm2', 'gauge']);
  });

  it('checks a remembered but never checked series line when the names are checked eagerly', () => {
    const cache = new TextCache();
    // Lazy mode without labels(): the line is remembered unchecked.
    const lazy = new TextParser('foo-bar 1\n', 'prometheus', { cache });
    expect(lazy.next()).to.equal('series');
    expect(lazy.next()).to.equal('eof');
    expect(scrape('foo-bar 1\n', 'prometheus', { cache, checkNames: 'eager' })).to.deep.equal(scrape('foo-bar 1\n', 'prometheus', { checkNames: 'eager' }));
  });

  it('gives OpenMetrics series their entries too, with identical results', () => {
    const cache = new TextCache<{ key: string }>();
    const om = writeText(parseAll(node), 'openmetrics');
    for (let k = 0; k < 3; k++) {
      const text = withOtherValues(om, k);
      expect(scrape(text, 'openmetrics', { cache })).to.deep.equal(scrape(text, 'openmetrics'));
    }
    const p = new TextParser(om, 'openmetrics', { cache });
    let withEntry = 0;
    for (let k = p.next(); k !== 'eof'; k = p.next()) if (k === 'series' && p.cachedEntry() !== undefined) withEntry++;
    expect(withEntry).to.be.greaterThan(400);
  });

  it('gives identical results and errors with and without a cache on chains of mutated scrapes (fixed seed)', () => {
    const next = rng(4242);
    let errors = 0, oks = 0;
    for (const [format, source] of [['prometheus', node], ['openmetrics', writeText(parseAll(node), 'openmetrics')]] as const) {
      for (let chain = 0; chain < 25; chain++) {
        // One cache per chain of scrapes of one "target" whose text changes a little every time.
        const cache = new TextCache<{ key: string }>();
        const start = Math.floor(next() * (source.length - 4000));
        const from = source.lastIndexOf('\n', start) + 1;
        let base = source.slice(from, from + 4000);
        base = base.slice(0, base.lastIndexOf('\n') + 1) + (format === 'openmetrics' ? '# EOF\n' : '');
        for (let i = 0; i < 12; i++) {
          const text = i % 3 === 0 ? withOtherValues(base, i) : mutate(base, next);
          const checkNames = chain % 2 === 0 ? 'lazy' : 'eager';
          const want = scrape(text, format, { checkNames });
          expect(scrape(text, format, { cache, checkNames }), JSON.stringify(text)).to.deep.equal(want);
          if (want.at(-1)!.startsWith('ParseError')) errors++;
          else oks++;
        }
      }
    }
    expect(errors).to.be.greaterThan(50);
    expect(oks).to.be.greaterThan(100);
  });
});
