/**
 * Imports historical data from an OpenMetrics file, the format `promtool tsdb create-blocks-from
 * openmetrics` takes: every sample has an explicit timestamp (seconds), the file ends with `# EOF`.
 *
 * The file is read in chunks cut at line boundaries, so files larger than a JavaScript string import in
 * bounded memory. A malformed line is reported with its line and column and skipped; the rest of the
 * file is still imported, and the command exits non-zero so the problem is not missed.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Labels, ParseError, TextParser, type Appender } from '@hlmon/model';

/** Where the imported samples go: a fresh Appender per batch. */
export interface ImportTarget {
  appender(): Appender;
}

/** One problem in the input. */
export interface ImportError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** What an import did. */
export interface ImportSummary {
  readonly samples: number;
  readonly series: number;
  readonly minTimeMs: number | undefined;
  readonly maxTimeMs: number | undefined;
  readonly errors: readonly ImportError[];
  /** True when errors were dropped after the first `maxErrors`. */
  readonly moreErrors: boolean;
}

/** Options of importOpenMetrics. */
export interface ImportOptions {
  /** Samples per committed batch (one transaction each). */
  readonly batchSamples?: number;
  /** Errors kept in the summary. */
  readonly maxErrors?: number;
  /** Called after each batch with bytes read so far. */
  readonly onProgress?: (bytesRead: number, samples: number) => void;
}

const CHUNK_BYTES = 8 << 20;

/** Imports `file` through `target`'s normal write path. */
export async function importOpenMetricsFile(file: string, target: ImportTarget, options: ImportOptions = {}): Promise<ImportSummary> {
  await stat(file); // a missing file fails here with the OS's message, before anything is written
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  return importOpenMetrics(stream, target, options);
}

/** Imports from a stream of text chunks (any cut); see importOpenMetricsFile. */
export async function importOpenMetrics(chunks: AsyncIterable<string>, target: ImportTarget, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSamples = options.batchSamples ?? 50_000;
  const maxErrors = options.maxErrors ?? 100;
  const errors: ImportError[] = [];
  let moreErrors = false;
  const seriesCache = new Map<string, Labels>();
  const seen = new Set<string>();
  let samples = 0;
  let minT: number | undefined, maxT: number | undefined;
  let appender = target.appender();
  let pending = 0;
  let bytesRead = 0;
  let lineBase = 0; // lines before the current piece
  let carry = '';
  let sawEof = false;
  let afterEofReported = false;

  const addError = (line: number, column: number, message: string) => {
    if (errors.length < maxErrors) errors.push({ line, column, message });
    else moreErrors = true;
  };

  const flush = async () => {
    if (pending === 0) return;
    await appender.commit();
    appender = target.appender();
    pending = 0;
    options.onProgress?.(bytesRead, samples);
  };

  const parsePiece = async (piece: string) => {
    // Each piece is parsed as a complete OpenMetrics text: its own `# EOF` is added, and the parser is
    // restarted after a bad line so that one error does not hide the rest of the file.
    let offset = 0;
    let lineOffset = lineBase;
    while (offset < piece.length) {
      const text = piece.slice(offset);
      const parser = new TextParser(text + '# EOF\n', 'openmetrics');
      try {
        for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
          if (kind !== 'series') continue;
          const t = parser.timestampMs();
          if (t === undefined) {
            const at = ParseError.at(text, parser.entryOffset(), 'sample has no timestamp (an import needs explicit timestamps)');
            addError(at.line + lineOffset, at.column, 'sample has no timestamp (an import needs explicit timestamps)');
            continue;
          }
          const raw = parser.series();
          let labels = seriesCache.get(raw);
          if (labels === undefined) {
            labels = parser.labels();
            if (seriesCache.size > 1_000_000) seriesCache.clear();
            seriesCache.set(raw, labels);
            seen.add(labels.key);
          }
          appender.append(labels, t, parser.value());
          samples++;
          pending++;
          if (minT === undefined || t < minT) minT = t;
          if (maxT === undefined || t > maxT) maxT = t;
          if (pending >= batchSamples) await flush();
        }
        return;
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        if (err.offset >= text.length) return; // the `# EOF` we added: nothing after it to report
        addError(err.line + lineOffset, err.column, err.message.replace(/^\d+:\d+: /, ''));
        const nl = text.indexOf('\n', err.offset);
        if (nl < 0) return;
        // Count the lines skipped, then resume on the next line.
        lineOffset += countLines(text, nl + 1);
        offset += nl + 1;
      }
    }
  };

  for await (const chunk of chunks) {
    bytesRead += Buffer.byteLength(chunk);
    let text = carry + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) { carry = text; continue; }
    carry = text.slice(cut + 1);
    text = text.slice(0, cut + 1);
    if (sawEof) {
      if (text.trim() !== '' && !afterEofReported) { addError(lineBase + 1, 1, 'unexpected data after # EOF'); afterEofReported = true; }
      lineBase += countLines(text, text.length);
      continue;
    }
    const eof = findEof(text);
    if (eof >= 0) {
      const after = text.slice(eof).replace(/^# EOF\r?\n?/, '');
      if (after.trim() !== '') { addError(lineBase + countLines(text, eof) + 2, 1, 'unexpected data after # EOF'); afterEofReported = true; }
      text = text.slice(0, eof);
      sawEof = true;
    }
    await parsePiece(text);
    lineBase += countLines(text, text.length);
  }
  if (carry !== '') {
    if (sawEof) { if (carry.trim() !== '' && !afterEofReported) addError(lineBase + 1, 1, 'unexpected data after # EOF'); }
    else if (carry.replace(/\r$/, '') === '# EOF') sawEof = true;
    else await parsePiece(carry + '\n');
  }
  if (!sawEof) addError(lineBase + 1, 1, 'missing # EOF at the end of the file');
  await flush();
  return { samples, series: seen.size, minTimeMs: minT, maxTimeMs: maxT, errors, moreErrors };
}

function findEof(text: string): number {
  if (text.startsWith('# EOF')) return 0;
  const i = text.indexOf('\n# EOF');
  return i < 0 ? -1 : i + 1;
}

function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
