/**
 * A pull parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0.
 *
 * It is shaped like Prometheus's `textparse.Parser`: `next()` advances to the next entry and says what it
 * is; accessors then read that entry. For a series the hot path is `series()` (the raw metric name and
 * label block), `value()` and `timestampMs()`; `labels()` builds the sorted label set only when asked,
 * i.e. on a cache miss. The scanner is hand-written over char codes with no regular expressions, and line
 * numbers are computed only when an error is raised. Given the TextCache of the same source's previous
 * text (the scraper keeps one per target), the parser recognises unchanged lines by one string comparison
 * instead of scanning them, and keeps the caller's entry per series text (`cachedEntry()`).
 *
 * Where the two formats differ the parser follows Prometheus 2.x: in 0.0.4, blank lines, leading and
 * inner blanks, free trailing commas and missing commas in label blocks are accepted and timestamps are
 * integer milliseconds; in OpenMetrics single spaces are required, only HELP/TYPE/UNIT/EOF comments are
 * allowed, timestamps are seconds with a fraction, exemplars are checked and skipped, and `# EOF` must
 * end the input. Two deliberate leniencies in 0.0.4 only: a CRLF line end is read as LF (Prometheus
 * rejects the `\r`), and the last line may lack its newline.
 */
import { Labels, METRIC_NAME, type Label } from './labels.js';
import { ParseError } from './parse-error.js';
import { FLOAT_OUT_OF_RANGE, INVALID_FLOAT, parseGoFloat } from './float-text.js';

/** Which exposition format a text is in. */
export type TextFormat = 'prometheus' | 'openmetrics';

/** What `TextParser.next()` found. */
export type EntryKind = 'series' | 'type' | 'help' | 'unit' | 'comment' | 'eof';

/** The metric types of both formats (`untyped` is 0.0.4's spelling of OpenMetrics's `unknown`). */
export type MetricType =
  | 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'untyped' | 'unknown';

const OM_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']);

// Character classes of ASCII, looked up by char code after a `< 128` check. Measured faster than a full
// 64 Ki table without the check, and than chains of comparisons.
const NAME_START = 1; // [a-zA-Z_:]
const NAME_CHAR = 2; // [a-zA-Z0-9_:]
const LABEL_START = 4; // [a-zA-Z_]
const LABEL_CHAR = 8; // [a-zA-Z0-9_]
const CHARS = buildCharTable();

function buildCharTable(): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    const letter = /[a-zA-Z_]/.test(ch), digit = c >= 48 && c <= 57, colon = c === 58;
    if (letter || colon) t[c]! |= NAME_START;
    if (letter || colon || digit) t[c]! |= NAME_CHAR;
    if (letter) t[c]! |= LABEL_START;
    if (letter || digit) t[c]! |= LABEL_CHAR;
  }
  return t;
}

/** True when char code `c` is ASCII and in the class; false for anything else, NaN (end of input) included. */
function hasClass(c: number, cls: number): boolean {
  return c < 128 && (CHARS[c]! & cls) !== 0;
}

const LF = 10, CR = 13, SPACE = 32, TAB = 9, HASH = 35, QUOTE = 34, BACKSLASH = 92;
const BRACE_OPEN = 123, BRACE_CLOSE = 125, EQUAL = 61, COMMA = 44;

/** Exact powers of ten as float64 (all up to 1e22 are exact). */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Longest excerpt of the input quoted in an error message. */
const EXCERPT_CHARS = 80;

/**
 * Pull parser over one exposition text. Not reusable across texts and not safe to share between
 * concurrent users; strings it returns are independent of later calls.
 */
export class TextParser<T = unknown> {
  private readonly src: string;
  private readonly len: number;
  private readonly om: boolean;
  private pos = 0;
  private done = false;
  private failure: ParseError | undefined;

  // The current entry.
  private start = 0;
  /** True when series lines are only delimited by next() and fully checked on demand (see TextParserOptions). */
  private readonly lazy: boolean;
  /** Whether the current series line has been through the full check. */
  private checked = true;
  // Next offsets of delimiter characters at or after the scan position (`len` when there is none). Each
  // is searched with native indexOf and reused until the scan passes it, so every character of the
  // input is searched at most once per delimiter: linear, whatever the line shapes.
  private nextSpace = -1;
  private nextTab = -1;
  private nextBrace = -1;
  private nextLf = -1;
  private nextCr = -1;
  private nameEnd = 0;
  private seriesEnd = 0;
  private val = 0;
  private hasTs = false;
  private ts = 0;
  /** Label offsets of the current series: name start, name end, value start, value end (no quotes). */
  private readonly offs: number[] = [];
  private nLabels = 0;
  private metaStart = 0;
  /** End of the metadata name; -1 while not yet computed (HELP finds it lazily). */
  private metaEnd = 0;
  /** End of the current metadata line, before any CR. */
  private lineEnd = 0;
  private textStart = 0;
  private textEnd = 0;
  private mtype: MetricType = 'untyped';
  /** The cache this parser reads and fills, while its pass is the cache's open one. */
  private cache: TextCache<T> | undefined;
  /** The cache's pass number that belongs to this parser. */
  private pass = 0;
  /** Position in the cache's previous pass where the next entry is expected. */
  private cursor = 0;
  /** The cache slot of the current entry (with a cache only; undefined for entries it does not keep). */
  private slot: CacheSlot<T> | undefined;
  /** Lines still to come of a run of `#` lines that matched the previous pass as a whole. */
  private runLeft = 0;
  // The run of `#` lines the current pass is in: where it starts, its first position, its length in
  // lines and where the line after it starts. runFrom is -1 outside a run.
  private runFrom = -1;
  private runIndex = 0;
  private runCount = 0;
  private runTo = 0;
  /**
   * Until the first line that is not where the previous pass had it, the pass only counts its lines
   * (`clean`); from then on (position `trackedFrom`) it lists them and tracks runs of `#` lines.
   */
  private tracking = false;
  private clean = 0;
  private trackedFrom = 0;

  /** Parses `text` in the given format (default: Prometheus text format 0.0.4). */
  constructor(text: string, format: TextFormat = 'prometheus', options: TextParserOptions<T> = {}) {
    this.src = text;
    this.len = text.length;
    this.om = format === 'openmetrics';
    this.lazy = !this.om && options.checkNames !== 'eager';
    if (options.cache !== undefined) {
      this.cache = options.cache;
      this.pass = options.cache.begin();
    }
  }

  /**
   * Advances to the next entry and returns its kind; 'eof' at the end (and forever after).
   * Throws ParseError on malformed input; after that every call throws the same error.
   */
  next(): EntryKind {
    if (this.failure !== undefined) throw this.failure;
    if (this.done) return 'eof';
    // A newer parser took the cache over: carry on without it.
    if (this.cache !== undefined && this.cache.pass !== this.pass) this.cache = this.slot = undefined;
    try {
      return this.om ? this.nextOpenMetrics() : this.nextProm();
    } catch (err) {
      if (err instanceof ParseError) this.failure = err;
      throw err;
    }
  }

  /**
   * The raw text of the current series: metric name and label block exactly as written. In the default
   * lazy mode the characters of its names are checked by labels() (see TextParserOptions.checkNames).
   */
  series(): string {
    const slot = this.slot;
    return slot !== undefined ? slot.key : this.src.slice(this.start, this.seriesEnd);
  }

  /**
   * The entry the caller stored with `setCachedEntry()` for the current series' text, in this or an
   * earlier pass over the same cache; undefined when there is none or the parser has no cache.
   */
  cachedEntry(): T | undefined {
    return this.slot?.entry;
  }

  /**
   * Stores `entry` in the cache for the current series' text, for `cachedEntry()` to return whenever
   * this exact text comes again (until a pass ends without it). The line's names are checked first, so
   * a malformed line raises its ParseError here and is never stored. Without a cache this does nothing.
   */
  setCachedEntry(entry: T): void {
    const slot = this.slot;
    if (slot === undefined) return;
    if (!this.checked) this.check();
    slot.checked = true;
    slot.entry = entry;
  }

  /** The metric name of the current series. */
  metricName(): string {
    if (!this.checked) this.check();
    return this.src.slice(this.start, this.nameEnd);
  }

  /** The value of the current series (NaN, ±Infinity included). */
  value(): number {
    return this.val;
  }

  /** The timestamp of the current series in milliseconds, or undefined when it has none. */
  timestampMs(): number | undefined {
    return this.hasTs ? this.ts : undefined;
  }

  /** Offset of the current entry's first character in the input (for callers' own error messages). */
  entryOffset(): number {
    return this.start;
  }

  /**
   * The labels of the current series, `__name__` included, sorted, empty values dropped.
   * Throws ParseError when a label name appears twice.
   */
  labels(): Labels {
    if (!this.checked) this.check();
    const s = this.src;
    const list: Label[] = [{ name: METRIC_NAME, value: s.slice(this.start, this.nameEnd) }];
    const offs = this.offs;
    // Insertion sort is quadratic; a hostile target could send thousands of labels on one line.
    if (this.nLabels > 32) return this.labelsSorted(list);
    for (let k = 0; k < this.nLabels * 4; k += 4) {
      const raw = s.slice(offs[k + 2]!, offs[k + 3]!);
      const value = raw.indexOf('\\') >= 0 ? unescape(raw, true) : raw;
      const name = s.slice(offs[k]!, offs[k + 1]!);
      // Insertion sort: label sets are small, and exporters mostly emit them sorted already.
      const item = { name, value };
      let j = list.length;
      list.push(item);
      while (j > 0 && list[j - 1]!.name > name) {
        list[j] = list[j - 1]!;
        j--;
      }
      list[j] = item;
      if (j > 0 && list[j - 1]!.name === name) {
        throw ParseError.at(s, offs[k]!, `duplicate label name ${JSON.stringify(name)} in series ${JSON.stringify(excerpt(this.series()))}`);
      }
    }
    let nonEmpty = list;
    for (const l of list) {
      if (l.value === '') { nonEmpty = list.filter((x) => x.value !== ''); break; }
    }
    return Labels.fromSortedUnchecked(nonEmpty);
  }

  /** `labels()` for long label lists: a library sort, then a duplicate check between neighbours. */
  private labelsSorted(list: Label[]): Labels {
    for (const l of this.labelPairs()) list.push(l);
    const nameStart = new Map<string, number>();
    for (let k = 0; k < this.nLabels * 4; k += 4) nameStart.set(this.src.slice(this.offs[k]!, this.offs[k + 1]!), this.offs[k]!);
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.name === list[i - 1]!.name) {
        const name = list[i]!.name;
        throw ParseError.at(this.src, nameStart.get(name) ?? this.start, `duplicate label name ${JSON.stringify(name)} in series ${JSON.stringify(excerpt(this.series()))}`);
      }
    }
    return Labels.fromSortedUnchecked(list.filter((l) => l.value !== ''));
  }

  /**
   * The label pairs of the current series exactly as exposed: document order, empty values kept,
   * values unescaped, `__name__` not included. For tools that must reproduce a text; series identity
   * is `labels()`.
   */
  labelPairs(): Label[] {
    if (!this.checked) this.check();
    const s = this.src, offs = this.offs;
    const out: Label[] = [];
    for (let k = 0; k < this.nLabels * 4; k += 4) {
      const raw = s.slice(offs[k + 2]!, offs[k + 3]!);
      out.push({ name: s.slice(offs[k]!, offs[k + 1]!), value: raw.indexOf('\\') >= 0 ? unescape(raw, true) : raw });
    }
    return out;
  }

  /** The metric family name of the current HELP, TYPE or UNIT entry. */
  metaName(): string {
    if (this.slot !== undefined) return this.slot.name;
    if (this.metaEnd < 0) this.findMetaText();
    return this.src.slice(this.metaStart, this.metaEnd);
  }

  /** The unescaped text of the current HELP entry. */
  help(): string {
    if (this.slot !== undefined) return this.slot.text;
    if (this.metaEnd < 0) this.findMetaText();
    const raw = this.src.slice(this.textStart, this.textEnd);
    return raw.indexOf('\\') >= 0 ? unescape(raw, this.om) : raw;
  }

  /** The type of the current TYPE entry. */
  type(): MetricType {
    return this.slot !== undefined ? this.slot.text as MetricType : this.mtype;
  }

  /** The unit of the current UNIT entry (OpenMetrics). */
  unit(): string {
    return this.src.slice(this.textStart, this.textEnd);
  }

  /** The full text of the current comment line, `#` included. */
  comment(): string {
    return this.slot !== undefined ? this.slot.key : this.src.slice(this.textStart, this.textEnd);
  }

  // ---- Prometheus text format 0.0.4 ----

  private nextProm(): EntryKind {
    const s = this.src, n = this.len;
    let p = this.pos;
    for (;;) {
      if (p >= n) {
        this.done = true;
        this.pos = n;
        if (this.cache !== undefined) this.endPass();
        return 'eof';
      }
      let c = s.charCodeAt(p);
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
      if (c === LF) { p++; continue; }
      if (c === CR && (p + 1 >= n || s.charCodeAt(p + 1) === LF)) { p += 2; continue; }
      if (p >= n) continue;
      this.start = p;
      if (hasClass(c, NAME_START)) {
        if (this.cache !== undefined) return this.promSeriesCached(p);
        if (this.lazy) return this.promSeriesLazy(p);
        this.checked = true;
        return this.promSeries(p);
      }
      if (c === HASH) return this.cache !== undefined ? this.promCommentCached(p) : this.promComment(p);
      throw this.fail(p, 'expected a valid start token');
    }
  }

  /**
   * Runs the full check on the current series line (after a lazy next()), which sets the name and label
   * offsets; a malformed line raises its ParseError here, and the parser stays failed as if next() had
   * raised it.
   */
  private check(): void {
    try {
      this.promSeries(this.start);
      this.checked = true;
      if (this.slot !== undefined) this.slot.checked = true;
    } catch (err) {
      if (err instanceof ParseError) this.failure = err;
      throw err;
    }
  }

  /**
   * A series line with a cache: when the previous pass had a series at this position whose text is
   * exactly the text here, the line's name and label block are skipped (one string comparison instead of
   * a scan) and only value, timestamp and line end are read. Anything else takes the usual scan and
   * then records the line, finding it by its text if it was elsewhere in the previous pass.
   */
  private promSeriesCached(start: number): EntryKind {
    const cache = this.cache!;
    const prev = cache.prev, i = this.cursor;
    if (i < prev.length) {
      const slot = prev[i]!;
      const key = slot.key;
      // A fresh slice compared with === is measured several times faster than startsWith(key, start)
      // or a char loop. After a run of `#` lines that matched together with this series, the series
      // text is known to match.
      let matched: boolean;
      if (this.runLeft > 0) {
        this.runLeft--;
        matched = true;
      } else {
        matched = slot.kind === 'series' && this.src.slice(start, start + key.length) === key;
      }
      if (matched) {
        const s = this.src;
        let p = start + key.length;
        let c = s.charCodeAt(p);
        // A name without labels ends at a blank here, and the value must follow (a label block after the
        // blanks would make it another series).
        let ok = slot.hasLabels || c === SPACE || c === TAB;
        while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
        if (ok && !slot.hasLabels && c === BRACE_OPEN) ok = false;
        const end = ok ? this.promTail(p) : -1;
        if (end >= 0) {
          this.pos = end;
          // Offsets of names and labels are not known: labels() and friends run the check to find them.
          this.checked = false;
          this.slot = slot;
          this.cursor = i + 1;
          this.seen(slot);
          if (!this.lazy && !slot.checked) this.check();
          return 'series';
        }
      }
    }
    this.slot = undefined;
    let kind: EntryKind;
    if (this.lazy) kind = this.promSeriesLazy(start);
    else {
      this.checked = true;
      kind = this.promSeries(start);
    }
    this.record(this.src.slice(start, this.seriesEnd), 'series');
    return kind;
  }

  /**
   * A `#` line with a cache: the same line at the same position of the previous pass is taken whole.
   * Consecutive `#` lines (a family's HELP and TYPE) are compared as one run: one comparison for all.
   */
  private promCommentCached(p: number): EntryKind {
    const cache = this.cache!;
    const prev = cache.prev, i = this.cursor;
    if (i < prev.length) {
      const slot = prev[i]!;
      const s = this.src, n = this.len;
      let e = -1;
      if (this.runLeft > 0) {
        // Inside a run that matched as a whole: this line is known to be the remembered one.
        this.runLeft--;
        e = p + slot.key.length;
      } else {
        const run = cache.runs[i];
        if (run !== undefined && s.slice(p, p + run.length) === run) {
          this.runLeft = cache.runCounts[i]! - 1;
          e = p + slot.key.length;
        } else if (slot.kind !== 'series' && s.slice(p, p + slot.key.length) === slot.key) {
          e = p + slot.key.length;
        }
      }
      if (e >= 0) {
        const c = s.charCodeAt(e);
        // The key ends where the line does (before a CR that ends it), exactly as promComment cuts it.
        const next = e >= n ? n : c === LF ? e + 1 : c === CR && (e + 1 >= n || s.charCodeAt(e + 1) === LF) ? e + 2 : -1;
        if (next >= 0) {
          this.pos = next;
          this.slot = slot;
          this.cursor = i + 1;
          this.seen(slot);
          return slot.kind;
        }
      }
    }
    this.slot = undefined;
    const kind = this.promComment(p);
    // Names and texts are worked out once here, so that a hit hands out the same strings again.
    const name = kind === 'help' || kind === 'type' ? this.metaName() : '';
    const text = kind === 'help' ? this.help() : '';
    const key = kind === 'comment' ? this.comment() : this.src.slice(p, this.lineEnd);
    this.record(key, kind, name, kind === 'type' ? this.mtype : text);
    return kind;
  }

  /**
   * Notes in the cache that the current entry (from `start` to `pos`) is `slot`, and keeps track of the
   * run of `#` lines it belongs to, which is cut from the text when it ends.
   */
  private seen(slot: CacheSlot<T>): void {
    slot.lastPass = this.pass;
    if (!this.tracking) {
      // Still the previous pass's lines in its order: nothing to write down but the count.
      slot.index = this.clean++;
      return;
    }
    const cur = this.cache!.cur;
    this.track(slot);
    slot.index = cur.length;
    cur.push(slot);
  }

  /**
   * Runs are tracked from the first entry that was not where the previous pass had it: before that,
   * the previous pass's runs still describe the same positions and are kept.
   */
  private track(slot: CacheSlot<T>): void {
    if (slot.kind === 'series') {
      if (this.runFrom >= 0) this.closeRun(slot);
    } else if (this.runFrom < 0) {
      this.runFrom = this.start;
      this.runIndex = this.cache!.cur.length;
      this.runCount = 1;
      this.runTo = this.pos;
    } else {
      this.runCount++;
      this.runTo = this.pos;
    }
  }

  /**
   * Ends the current run of `#` lines. It is remembered as one text together with the series text that
   * follows it (`series`), or alone when it ends with a line end, if that makes two entries or more.
   */
  private closeRun(series: CacheSlot<T> | undefined): void {
    let to = this.runTo, count = this.runCount;
    if (series !== undefined) {
      to = this.start + series.key.length;
      count++;
    } else if (to > this.len || this.src.charCodeAt(to - 1) !== LF) {
      count = 0;
    }
    if (count > 1) {
      this.cache!.curRuns[this.runIndex] = this.src.slice(this.runFrom, to);
      this.cache!.curRunCounts[this.runIndex] = count;
    }
    this.runFrom = -1;
  }

  /** At the end of the text: the pass is complete. */
  private endPass(): void {
    if (this.runFrom >= 0) this.closeRun(undefined);
    this.cache!.end(this.pass, this.clean, this.tracking ? this.trackedFrom : -1);
  }

  /** Records the current entry, just parsed without a positional hit, in the cache's current pass. */
  private record(key: string, kind: EntryKind, name = '', text = ''): void {
    const cache = this.cache!;
    if (!this.tracking) {
      // The first line not where the previous pass had it: the lines so far are the previous pass's.
      this.tracking = true;
      this.trackedFrom = this.clean;
      cache.cur = cache.prev.slice(0, this.clean);
    }
    let slot: CacheSlot<T> | undefined;
    if (kind !== 'series') {
      // `#` lines are not looked up by text: they are cheap to read again, and the series that follow
      // put the positions right. A new line most often replaces the one that was here.
      slot = new CacheSlot<T>(key, kind, false, name, text, this.pass);
      this.cursor++;
    } else {
      slot = cache.slots.get(key);
      if (slot === undefined) {
        slot = new CacheSlot<T>(key, kind, this.seriesEnd !== this.nameEnd, '', '', this.pass);
        cache.slots.set(key, slot);
        // A new series text most often replaces the one that was here (a label value changed).
        this.cursor++;
      } else if (slot.lastPass === cache.prevPass) {
        // The text was elsewhere in the previous pass (series added or removed before it): expect what
        // followed it there next.
        this.cursor = slot.index + 1;
      }
      if (this.checked) slot.checked = true;
    }
    this.seen(slot);
    this.slot = slot;
  }

  /**
   * The lazy series scan: it finds the boundaries of the line (name, label block, value, timestamp) with
   * native searches for delimiters and quotes, and parses value and timestamp, but does not classify the
   * characters of metric and label names; `check()` does that on demand. Anything unexpected hands the
   * line to the full scan, so errors and results are exactly those of the full scan.
   */
  private promSeriesLazy(start: number): EntryKind {
    const s = this.src, n = this.len;
    this.checked = false;
    let p = start + 1;
    if (this.nextSpace < p) this.nextSpace = indexOr(s, ' ', p, n);
    if (this.nextBrace < p) this.nextBrace = indexOr(s, '{', p, n);
    if (this.nextLf < p) this.nextLf = indexOr(s, '\n', p, n);
    if (this.nextTab < p) this.nextTab = indexOr(s, '\t', p, n);
    if (this.nextCr < p) this.nextCr = indexOr(s, '\r', p, n);
    let e = this.nextSpace;
    if (this.nextBrace < e) e = this.nextBrace;
    if (this.nextLf < e) e = this.nextLf;
    if (this.nextTab < e) e = this.nextTab;
    if (this.nextCr < e) e = this.nextCr;
    this.nameEnd = e;
    p = e;
    let c = s.charCodeAt(p);
    while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    if (c === BRACE_OPEN) {
      p++;
      for (;;) {
        c = s.charCodeAt(p);
        while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
        if (c === BRACE_CLOSE) break;
        // `name = "` is not checked here, only that the opening quote is on this line.
        const open = s.indexOf('"', p);
        if (this.nextLf < p) this.nextLf = indexOr(s, '\n', p, n);
        if (open < 0 || open > this.nextLf) return this.eagerSeries(start);
        let close = s.indexOf('"', open + 1);
        if (close >= 0 && s.charCodeAt(close - 1) === BACKSLASH) close = this.scanQuoted(open + 1, false);
        if (close < 0) return this.eagerSeries(start);
        p = close + 1;
        c = s.charCodeAt(p);
        while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
        if (c === COMMA) p++;
      }
      p++;
      this.seriesEnd = p;
      c = s.charCodeAt(p);
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    } else {
      this.seriesEnd = e;
    }
    const end = this.promTail(p);
    if (end < 0) return this.eagerSeries(start);
    this.pos = end;
    return 'series';
  }

  /**
   * Reads what follows the series text of a 0.0.4 line, from `vs` (the value's first character): value,
   * optional timestamp, blanks and the line end. Sets `val`, `hasTs` and `ts` and returns the offset of
   * the next line, or -1 for anything unusual, which the caller hands to the full scan (it raises the
   * error the line deserves). Never throws.
   */
  private promTail(vs: number): number {
    const s = this.src, n = this.len;
    let p = this.fastValue(vs);
    let c: number;
    if (p < 0) {
      // Long or special values (17 digits, NaN, +Inf): the general value parser, not a rescan of the line.
      p = vs;
      while (p < n) {
        c = s.charCodeAt(p);
        if (c === SPACE || c === TAB || c === LF || c === BRACE_OPEN) break;
        if (c === CR && (p + 1 >= n || s.charCodeAt(p + 1) === LF)) break;
        p++;
      }
      const v = parseGoFloat(s, vs, p);
      if (typeof v !== 'number') return -1;
      this.val = v;
    }
    c = s.charCodeAt(p);
    while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    this.hasTs = false;
    if (c >= 48 && c <= 57) {
      let ts = 0;
      do {
        ts = ts * 10 + (c - 48);
        c = s.charCodeAt(++p);
      } while (c >= 48 && c <= 57);
      if (ts > Number.MAX_SAFE_INTEGER) return -1;
      this.ts = ts;
      this.hasTs = true;
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    }
    if (c === LF) return p + 1;
    if (c === CR && (p + 1 >= n || s.charCodeAt(p + 1) === LF)) return p + 2;
    return p < n ? -1 : p;
  }

  /** The full scan of a series line that the lazy scan handed over; the line is then checked. */
  private eagerSeries(start: number): EntryKind {
    const kind = this.promSeries(start);
    this.checked = true;
    return kind;
  }

  private promSeries(p: number): EntryKind {
    const s = this.src, n = this.len;
    // Measured: classifying every character through the table beats skipping a known family-name
    // prefix with String.prototype.startsWith, which V8 does not inline.
    p++;
    while (p < n && hasClass(s.charCodeAt(p), NAME_CHAR)) p++;
    this.nameEnd = p;
    let c = s.charCodeAt(p);
    while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    this.nLabels = 0;
    if (c === BRACE_OPEN) {
      p = this.promLabels(p + 1);
      this.seriesEnd = p;
      c = s.charCodeAt(p);
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    } else {
      this.seriesEnd = this.nameEnd;
    }
    const vs = p;
    p = this.fastValue(vs);
    if (p < 0) {
      // Not a plain short decimal: find the token as Prometheus's lexer does and parse it fully.
      p = vs;
      while (p < n) {
        c = s.charCodeAt(p);
        if (c === SPACE || c === TAB || c === LF || c === BRACE_OPEN) break;
        if (c === CR && (p + 1 >= n || s.charCodeAt(p + 1) === LF)) break;
        p++;
      }
      if (p === vs) throw this.fail(p, 'expected value after metric');
      this.val = this.parseValue(vs, p);
    }
    c = s.charCodeAt(p);
    while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    this.hasTs = false;
    if (c >= 48 && c <= 57) {
      const tsStart = p;
      let ts = 0;
      do {
        ts = ts * 10 + (c - 48);
        c = s.charCodeAt(++p);
      } while (c >= 48 && c <= 57);
      if (ts > Number.MAX_SAFE_INTEGER) throw this.fail(tsStart, 'timestamp out of range');
      this.ts = ts;
      this.hasTs = true;
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
    }
    if (c === LF) p++;
    else if (c === CR && (p + 1 >= n || s.charCodeAt(p + 1) === LF)) p += 2;
    else if (p < n) throw this.fail(p, this.hasTs ? 'expected next entry after timestamp' : 'expected timestamp or new record');
    this.pos = p;
    return 'series';
  }

  /**
   * The fast path for the values exporters actually write: `[-]digits[.digits][e[+-]digits]` with at
   * most 15 significant digits and a small exponent, followed by a blank or line end. Sets `val` and
   * returns the offset after the value, or -1 to make the caller take the general path.
   */
  private fastValue(p: number): number {
    const s = this.src;
    let c = s.charCodeAt(p);
    let negative = false;
    if (c === 45) { negative = true; c = s.charCodeAt(++p); }
    let mantissa = 0, significant = 0, scale = 0, digits = 0;
    while (c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) { mantissa = mantissa * 10 + (c - 48); significant++; }
      digits++;
      c = s.charCodeAt(++p);
    }
    if (c === 46) {
      c = s.charCodeAt(++p);
      while (c >= 48 && c <= 57) {
        if (significant > 0 || c !== 48) { mantissa = mantissa * 10 + (c - 48); significant++; }
        digits++;
        scale--;
        c = s.charCodeAt(++p);
      }
    }
    if (digits === 0 || significant > 15) return -1;
    if (c === 101 || c === 69) {
      c = s.charCodeAt(++p);
      let expNegative = false;
      if (c === 45 || c === 43) { expNegative = c === 45; c = s.charCodeAt(++p); }
      let exp = 0, expDigits = 0;
      while (c >= 48 && c <= 57 && expDigits < 4) { exp = exp * 10 + (c - 48); expDigits++; c = s.charCodeAt(++p); }
      if (expDigits === 0) return -1;
      scale += expNegative ? -exp : exp;
    }
    if (scale < -22 || scale > 22) return -1;
    if (!(c === SPACE || c === TAB || c === LF || c === CR || p >= this.len)) return -1;
    // Clinger's fast path: exact integer times or divided by an exact power of ten rounds correctly.
    const v = scale < 0 ? mantissa / POW10[-scale]! : mantissa * POW10[scale]!;
    this.val = negative ? -v : v;
    return p;
  }

  /** Parses a 0.0.4 label block after its `{`; returns the offset after the closing `}`. */
  private promLabels(p: number): number {
    const s = this.src, n = this.len, offs = this.offs;
    let k = 0;
    for (;;) {
      let c = s.charCodeAt(p);
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
      if (c === BRACE_CLOSE) {
        this.nLabels = k >> 2;
        return p + 1;
      }
      if (!hasClass(c, LABEL_START)) throw this.fail(p, 'expected label name');
      const ns = p;
      p++;
      while (p < n && hasClass(s.charCodeAt(p), LABEL_CHAR)) p++;
      const ne = p;
      c = s.charCodeAt(p);
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
      if (c !== EQUAL) throw this.fail(p, 'expected equal');
      c = s.charCodeAt(++p);
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
      if (c !== QUOTE) throw this.fail(p, 'expected label value');
      const vs = p + 1;
      // The first quote ends the value unless a backslash precedes it; only then scan escapes one by one.
      let q = s.indexOf('"', vs);
      if (q >= 0 && s.charCodeAt(q - 1) === BACKSLASH) q = this.scanQuoted(vs, false);
      if (q < 0) throw this.fail(p, 'label value is not terminated');
      offs[k] = ns; offs[k + 1] = ne; offs[k + 2] = vs; offs[k + 3] = q;
      k += 4;
      p = q + 1;
      c = s.charCodeAt(p);
      while (c === SPACE || c === TAB) c = s.charCodeAt(++p);
      // Prometheus 2.x accepts a free trailing comma and also a missing one between labels.
      if (c === COMMA) p++;
    }
  }

  private promComment(p: number): EntryKind {
    const s = this.src, n = this.len;
    let q = p + 1;
    let c = s.charCodeAt(q);
    if (c === SPACE || c === TAB) {
      while (c === SPACE || c === TAB) c = s.charCodeAt(++q);
      const isHelp = s.charCodeAt(q) === 72 && s.charCodeAt(q + 1) === 69 && s.charCodeAt(q + 2) === 76 && s.charCodeAt(q + 3) === 80;
      const isType = !isHelp && s.charCodeAt(q) === 84 && s.charCodeAt(q + 1) === 89 && s.charCodeAt(q + 2) === 80 && s.charCodeAt(q + 3) === 69;
      c = s.charCodeAt(q + 4);
      if ((isHelp || isType) && (c === SPACE || c === TAB)) {
        const what = isHelp ? 'HELP' : 'TYPE';
        q += 4;
        while (c === SPACE || c === TAB) c = s.charCodeAt(++q);
        if (!hasClass(c, NAME_START)) throw this.fail(q, `expected metric name after ${what}`);
        this.metaStart = q;
        let e = s.indexOf('\n', q);
        if (e < 0) e = n;
        this.pos = e + 1;
        this.lineEnd = e > q && s.charCodeAt(e - 1) === CR ? e - 1 : e;
        if (isHelp) {
          // Nothing in a HELP text can be invalid, so the name's end is found only if someone asks.
          this.metaEnd = -1;
          return 'help';
        }
        this.findMetaText();
        const t = this.typeAt(this.textStart, this.textEnd);
        if (t === undefined) {
          throw this.failToken(this.textStart, this.textEnd, `invalid metric type ${JSON.stringify(excerpt(s.slice(this.textStart, this.textEnd)))}`);
        }
        this.mtype = t;
        return 'type';
      }
    }
    let e = s.indexOf('\n', p);
    if (e < 0) e = n;
    this.textStart = p;
    this.textEnd = e > p && s.charCodeAt(e - 1) === CR ? e - 1 : e;
    this.pos = e + 1;
    return 'comment';
  }

  /**
   * Finds the end of the metadata name that starts at `metaStart` and the text after it, up to
   * `lineEnd`. As in Prometheus, the one character after the name (the separator) is not text.
   */
  private findMetaText(): void {
    const s = this.src, end = this.lineEnd;
    let q = this.metaStart + 1;
    while (q < end && hasClass(s.charCodeAt(q), NAME_CHAR)) q++;
    this.metaEnd = q;
    this.textStart = end - q > 1 ? q + 1 : end;
    this.textEnd = end;
  }

  /** The 0.0.4 metric type spelled exactly by `s[start, end)`, compared in place without slicing. */
  private typeAt(start: number, end: number): MetricType | undefined {
    const len = end - start;
    switch (this.src.charCodeAt(start)) {
      case 99: return len === 7 && this.spells('counter', start) ? 'counter' : undefined;
      case 103: return len === 5 && this.spells('gauge', start) ? 'gauge' : undefined;
      case 104: return len === 9 && this.spells('histogram', start) ? 'histogram' : undefined;
      case 115: return len === 7 && this.spells('summary', start) ? 'summary' : undefined;
      case 117: return len === 7 && this.spells('untyped', start) ? 'untyped' : undefined;
      default: return undefined;
    }
  }

  /** True when the input holds `word` at `at`; a char loop, which V8 runs faster than startsWith(word, at). */
  private spells(word: string, at: number): boolean {
    const s = this.src;
    for (let i = 0; i < word.length; i++) if (s.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  // ---- OpenMetrics 1.0 ----

  private nextOpenMetrics(): EntryKind {
    const s = this.src, p = this.pos;
    if (p >= this.len) throw this.fail(p, 'data does not end with # EOF');
    const c = s.charCodeAt(p);
    this.start = p;
    if (hasClass(c, NAME_START)) {
      const kind = this.omSeries(p);
      if (this.cache !== undefined) this.omRecord(p);
      return kind;
    }
    this.slot = undefined;
    if (c === HASH) return this.omComment(p);
    throw this.fail(p, 'expected a valid start token');
  }

  private omSeries(p: number): EntryKind {
    const s = this.src, n = this.len;
    p++;
    while (p < n && hasClass(s.charCodeAt(p), NAME_CHAR)) p++;
    this.nameEnd = p;
    this.nLabels = 0;
    if (s.charCodeAt(p) === BRACE_OPEN) {
      p = this.omLabels(p + 1, true);
    }
    this.seriesEnd = p;
    if (s.charCodeAt(p) !== SPACE) throw this.fail(p, 'expected value after metric');
    p++;
    const vs = p;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === SPACE || c === LF) break;
      p++;
    }
    if (p === vs) throw this.fail(p, 'expected value after metric');
    this.val = this.parseValue(vs, p);
    this.hasTs = false;
    if (s.charCodeAt(p) === SPACE && s.charCodeAt(p + 1) !== HASH) {
      p++;
      const tsStart = p;
      while (p < n) {
        const c = s.charCodeAt(p);
        if (c === SPACE || c === LF) break;
        p++;
      }
      const seconds = parseGoFloat(s, tsStart, p);
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
        throw this.failToken(tsStart, p, `invalid timestamp ${JSON.stringify(excerpt(s.slice(tsStart, p)))}`);
      }
      // Rounded rather than truncated as Prometheus does, so that `1.001` is 1001 ms and not 1000.
      this.ts = Math.round(seconds * 1000);
      this.hasTs = true;
    }
    if (s.charCodeAt(p) === SPACE) p = this.omExemplar(p + 1);
    if (s.charCodeAt(p) !== LF) {
      throw this.fail(p, this.hasTs ? 'expected next entry after timestamp' : 'expected timestamp or new record');
    }
    this.pos = p + 1;
    return 'series';
  }

  /**
   * Records an OpenMetrics series line, already fully checked, in the cache. OpenMetrics lines are
   * always scanned (the format is rare enough not to need more); the cache gives them their entries.
   */
  private omRecord(start: number): void {
    const key = this.src.slice(start, this.seriesEnd);
    const cache = this.cache!, i = this.cursor;
    const slot = i < cache.prev.length ? cache.prev[i]! : undefined;
    if (slot !== undefined && slot.key === key) {
      this.cursor = i + 1;
      this.seen(slot);
      this.slot = slot;
    } else {
      this.record(key, 'series');
    }
    // OpenMetrics names and label blocks are a subset of 0.0.4's, so the text passed the 0.0.4 check too.
    this.slot!.checked = true;
  }

  /** Checks an exemplar (`# {labels} value [timestamp]`) starting at the `#` and skips it. */
  private omExemplar(p: number): number {
    const s = this.src, n = this.len;
    if (s.charCodeAt(p) !== HASH || s.charCodeAt(p + 1) !== SPACE || s.charCodeAt(p + 2) !== BRACE_OPEN) {
      throw this.fail(p, 'expected exemplar ("# {") or new record');
    }
    p = this.omLabels(p + 3, false);
    for (let round = 0; round < 2; round++) {
      if (s.charCodeAt(p) !== SPACE) {
        if (round === 0) throw this.fail(p, 'expected exemplar value');
        break;
      }
      const start = ++p;
      while (p < n && s.charCodeAt(p) !== SPACE && s.charCodeAt(p) !== LF) p++;
      const v = parseGoFloat(s, start, p);
      if (typeof v !== 'number' || (round === 1 && !Number.isFinite(v))) {
        throw this.failToken(start, p, `invalid exemplar ${round === 0 ? 'value' : 'timestamp'} ${JSON.stringify(excerpt(s.slice(start, p)))}`);
      }
    }
    return p;
  }

  /** Parses an OpenMetrics label block after its `{` (no blanks, commas between, none trailing). */
  private omLabels(p: number, forSeries: boolean): number {
    const s = this.src, n = this.len, offs = this.offs;
    // Exemplar labels are stored after the series' labels so that they do not overwrite them.
    const k0 = forSeries ? 0 : this.nLabels * 4;
    let k = k0;
    let c = s.charCodeAt(p);
    if (c === BRACE_CLOSE) return p + 1;
    for (;;) {
      if (!hasClass(c, LABEL_START)) throw this.fail(p, k === k0 ? 'expected label name or closing brace' : 'expected label name');
      const ns = p;
      p++;
      while (p < n && hasClass(s.charCodeAt(p), LABEL_CHAR)) p++;
      const ne = p;
      if (s.charCodeAt(p) !== EQUAL) throw this.fail(p, 'expected equal');
      p++;
      if (s.charCodeAt(p) !== QUOTE) throw this.fail(p, 'expected label value');
      const vs = p + 1;
      const q = this.scanQuoted(vs, true);
      if (q < 0) throw this.fail(p, 'label value is not terminated');
      offs[k] = ns; offs[k + 1] = ne; offs[k + 2] = vs; offs[k + 3] = q;
      k += 4;
      p = q + 1;
      c = s.charCodeAt(p);
      if (c === BRACE_CLOSE) {
        if (forSeries) this.nLabels = k >> 2;
        return p + 1;
      }
      if (c !== COMMA) throw this.fail(p, 'expected comma or closing brace');
      c = s.charCodeAt(++p);
    }
  }

  private omComment(p: number): EntryKind {
    const s = this.src, n = this.len;
    if (s.charCodeAt(p + 1) !== SPACE) throw this.fail(p, 'expected a valid start token');
    let q = p + 2;
    if (s.startsWith('EOF', q)) {
      q += 3;
      if (s.charCodeAt(q) === LF) q++;
      if (q < n) throw this.fail(q, 'unexpected data after # EOF');
      this.pos = n;
      this.done = true;
      if (this.cache !== undefined) this.endPass();
      return 'eof';
    }
    const kind: EntryKind | undefined = s.startsWith('HELP ', q) ? 'help' : s.startsWith('TYPE ', q) ? 'type' : s.startsWith('UNIT ', q) ? 'unit' : undefined;
    if (kind === undefined) throw this.fail(q, 'OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF comments');
    const what = kind.toUpperCase();
    q += 5;
    if (!hasClass(s.charCodeAt(q), NAME_START)) throw this.fail(q, `expected metric name after ${what}`);
    this.metaStart = q;
    q++;
    while (q < n && hasClass(s.charCodeAt(q), NAME_CHAR)) q++;
    this.metaEnd = q;
    if (s.charCodeAt(q) !== SPACE) throw this.fail(q, `expected text in ${what}`);
    const e = s.indexOf('\n', q);
    if (e < 0) throw this.fail(n, `expected text in ${what}`);
    this.textStart = q + 1;
    this.textEnd = e;
    this.pos = e + 1;
    if (kind === 'type') {
      const t = s.slice(this.textStart, e);
      if (!OM_TYPES.has(t)) throw this.failToken(this.textStart, e, `invalid metric type ${JSON.stringify(excerpt(t))}`);
      this.mtype = t as MetricType;
    } else if (kind === 'unit') {
      const m = this.metaName(), u = this.unit();
      if (u !== '' && !(m.length > u.length + 1 && m.endsWith(u) && m.charCodeAt(m.length - u.length - 1) === 95)) {
        throw this.failToken(this.textStart, e, `unit ${JSON.stringify(excerpt(u))} not a suffix of metric ${JSON.stringify(m)}`);
      }
    }
    return kind;
  }

  // ---- shared ----

  /**
   * Finds the closing quote of a quoted string whose content starts at `p`, honouring backslash
   * escapes; -1 when the input ends first (or, with `noNewline`, a line does).
   */
  private scanQuoted(p: number, noNewline: boolean): number {
    const s = this.src, n = this.len;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === QUOTE) return p;
      if (c === BACKSLASH) p += 2;
      else if (c === LF && noNewline) return -1;
      else p++;
    }
    return -1;
  }

  private parseValue(vs: number, ve: number): number {
    const v = parseGoFloat(this.src, vs, ve);
    if (typeof v === 'number') return v;
    const what = v === INVALID_FLOAT ? 'invalid value' : v === FLOAT_OUT_OF_RANGE ? 'value out of range' : 'bad value';
    throw this.failToken(vs, ve, `${what} ${JSON.stringify(excerpt(this.src.slice(vs, ve)))}`);
  }

  /** A ParseError for the whole token `[p, end)`, quoting the entry up to the token's end. */
  private failToken(p: number, end: number, message: string): ParseError {
    const s = this.src;
    const soFar = s.slice(this.start, Math.min(end, this.start + EXCERPT_CHARS));
    return ParseError.at(s, p, `${message} while parsing: ${JSON.stringify(soFar)}`);
  }

  /** A ParseError at `p` in the style of Prometheus: what was expected, what was found, the entry so far. */
  private fail(p: number, expected: string): ParseError {
    const s = this.src;
    const got = p >= this.len ? 'end of input' : JSON.stringify(s[p]);
    const soFar = s.slice(this.start, Math.min(p + 1, this.len, this.start + EXCERPT_CHARS));
    return ParseError.at(s, p, `${expected}, got ${got} while parsing: ${JSON.stringify(soFar)}`);
  }
}

/** Options of a TextParser. */
export interface TextParserOptions<T = unknown> {
  /**
   * What the parser remembers of the previous text of the same source (one scrape target): unchanged
   * lines are recognised by one string comparison instead of a scan, `series()`, `metaName()` and
   * `help()` return the same string objects as before, and `cachedEntry()` returns what the caller
   * stored for a series text. Results and errors are exactly those without a cache.
   */
  cache?: TextCache<T>;
  /**
   * When the characters of metric and label names in a 0.0.4 series line are checked. 'lazy' (the
   * default) has next() find the line's parts and parse its value and timestamp, and leaves the name
   * characters to labels(), metricName() and labelPairs(), which raise the ParseError a malformed line
   * deserves. A scrape loop that caches by series() and calls labels() on every miss thus rejects every
   * malformed line, at a fraction of the cost. 'eager' checks everything in next(). OpenMetrics is
   * always checked eagerly.
   */
  checkNames?: 'lazy' | 'eager';
}

/** One remembered line: a series text with the caller's entry, or a whole `#` line with what it says. */
class CacheSlot<T> {
  /** Whether the text passed the full name check (so a stored entry never stands for a malformed line). */
  checked = false;
  /** The caller's entry for a series. */
  entry: T | undefined = undefined;
  /** The last pass that saw this line, and its position in that pass. */
  lastPass: number;
  index = 0;

  constructor(
    /** A series' name and label block as written, or a `#` line from the `#` to before its line end. */
    readonly key: string,
    readonly kind: EntryKind,
    /** For a series: whether the text has a label block (a bare name must be followed by a blank). */
    readonly hasLabels: boolean,
    /** HELP and TYPE: the family name. */
    readonly name: string,
    /** HELP: the unescaped text; TYPE: the type. */
    readonly text: string,
    pass: number,
  ) {
    this.lastPass = pass;
  }
}

/**
 * What a TextParser remembers of the last text of one source (a scrape target) so that the next text
 * is read faster: targets send the same series and metadata lines in the same order every scrape, only
 * the values change. Give it to one parser at a time (`new TextParser(text, format, { cache })`); each
 * parser makes one pass over its text, and a pass that reaches the end replaces what is remembered with
 * the lines of that text, so the cache holds one text's lines whatever the series churn. A pass that
 * ends early (a ParseError, an abandoned parser) is undone when the next parser starts. Not safe to
 * share between concurrent parsers; a newer parser takes the cache over from an older one.
 *
 * `T` is what the caller keeps per series text (the scraper keeps the series' final labels).
 */
export class TextCache<T = unknown> {
  /** @internal Every remembered series by its text: the previous pass's and the open pass's. */
  readonly slots = new Map<string, CacheSlot<T>>();
  /** @internal The lines of the last completed pass, in order. */
  prev: CacheSlot<T>[] = [];
  /** @internal The number of the last completed pass. */
  prevPass = 0;
  /** @internal The number of the latest pass started. */
  pass = 0;
  /**
   * @internal For the previous pass, at the first of two or more consecutive `#` lines: the text of them
   * all, line ends and blank lines between included, and how many lines it holds.
   */
  runs: Array<string | undefined> = [];
  /** @internal See runs. */
  runCounts: number[] = [];
  /** @internal Lines of the open pass, in order. */
  cur: CacheSlot<T>[] = [];
  /** @internal Runs of `#` lines of the open pass, as `runs`. */
  curRuns: Array<string | undefined> = [];
  /** @internal See curRuns. */
  curRunCounts: number[] = [];
  private open = false;

  /** Number of distinct series texts remembered. */
  get size(): number {
    return this.slots.size;
  }

  /** @internal Starts a pass (undoing an unfinished one) and returns its number. */
  begin(): number {
    if (this.open) {
      // Put back what the unfinished pass moved, then forget the series only it saw (the slots map
      // holds the previous pass's series and those the open pass added).
      const prev = this.prev;
      for (let i = 0; i < prev.length; i++) {
        prev[i]!.index = i;
        prev[i]!.lastPass = this.prevPass;
      }
      for (const slot of this.cur) if (slot.lastPass === this.pass && slot.kind === 'series') this.slots.delete(slot.key);
    }
    this.cur = [];
    this.curRuns = [];
    this.curRunCounts = [];
    this.open = true;
    return ++this.pass;
  }

  /**
   * @internal Ends pass `pass`: lines it did not see are forgotten, and its lines become the previous
   * pass. Its runs are those tracked from position `trackedFrom` on (-1: none, every line was where the
   * previous pass had it) and, before it, the previous pass's runs that end before it.
   */
  end(pass: number, clean: number, trackedFrom: number): void {
    if (!this.open || pass !== this.pass) return;
    this.open = false;
    this.prevPass = pass;
    if (trackedFrom < 0) {
      // Every line was where the previous pass had it, and cur was never filled.
      if (clean === this.prev.length) return; // the same lines: nothing to forget, the same runs
      this.cur = this.prev.slice(0, clean);
    }
    for (const slot of this.prev) if (slot.lastPass !== pass && slot.kind === 'series') this.slots.delete(slot.key);
    const keep = trackedFrom < 0 ? clean : trackedFrom;
    const runs = this.runs, counts = this.runCounts;
    for (let i = 0; i < keep && i < runs.length; i++) {
      const run = runs[i];
      if (run !== undefined && i + counts[i]! <= keep) {
        this.curRuns[i] = run;
        this.curRunCounts[i] = counts[i]!;
      }
    }
    this.prev = this.cur;
    this.runs = this.curRuns;
    this.runCounts = this.curRunCounts;
    this.cur = [];
    this.curRuns = [];
    this.curRunCounts = [];
  }

}

/** `s.indexOf(ch, from)`, or `none` when absent. */
function indexOr(s: string, ch: string, from: number, none: number): number {
  const i = s.indexOf(ch, from);
  return i < 0 ? none : i;
}

function excerpt(s: string): string {
  return s.length > EXCERPT_CHARS ? s.slice(0, EXCERPT_CHARS) + '…' : s;
}

/**
 * Replaces the escapes the text formats define: `\\` and `\n` always, `\"` when `quotes` is set (label
 * values, and HELP in OpenMetrics). Any other backslash stays as written, as Prometheus leaves it.
 */
export function unescape(raw: string, quotes: boolean): string {
  let out = '';
  let last = 0;
  let i = raw.indexOf('\\');
  while (i >= 0 && i < raw.length - 1) {
    const next = raw.charCodeAt(i + 1);
    const rep = next === BACKSLASH ? '\\' : next === 110 /* n */ ? '\n' : next === QUOTE && quotes ? '"' : undefined;
    if (rep === undefined) {
      i = raw.indexOf('\\', i + 1);
      continue;
    }
    out += raw.slice(last, i) + rep;
    last = i + 2;
    i = raw.indexOf('\\', last);
  }
  return last === 0 ? raw : out + raw.slice(last);
}
