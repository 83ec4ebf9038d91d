/** Shared helpers for the model tests. */
import assert from 'node:assert/strict';
import { expect } from 'chai';
import { ParseError, TextParser, type EntryKind, type TextFormat } from '@hlmon/model';

/** One entry of a parse, flattened for deep equality in tests. */
export type Entry =
  | { kind: 'series'; series: string; labels: Record<string, string>; value: number; ts?: number }
  | { kind: 'help'; name: string; text: string }
  | { kind: 'type'; name: string; type: string }
  | { kind: 'unit'; name: string; unit: string }
  | { kind: 'comment'; text: string };

/** Runs the pull parser to the end and returns every entry. */
export function entries(text: string, format: TextFormat = 'prometheus'): Entry[] {
  const p = new TextParser(text, format);
  const out: Entry[] = [];
  for (let k: EntryKind = p.next(); k !== 'eof'; k = p.next()) {
    switch (k) {
      case 'series': {
        const ts = p.timestampMs();
        const e: Entry = { kind: 'series', series: p.series(), labels: p.labels().toObject(), value: p.value() };
        if (ts !== undefined) e.ts = ts;
        out.push(e);
        break;
      }
      case 'help': out.push({ kind: 'help', name: p.metaName(), text: p.help() }); break;
      case 'type': out.push({ kind: 'type', name: p.metaName(), type: p.type() }); break;
      case 'unit': out.push({ kind: 'unit', name: p.metaName(), unit: p.unit() }); break;
      case 'comment': out.push({ kind: 'comment', text: p.comment() }); break;
    }
  }
  return out;
}

/** Asserts that parsing `text` fails with a ParseError at `line`:`column` whose message contains `fragment`. */
export function expectParseError(text: string, format: TextFormat, line: number, column: number, fragment: string): void {
  assert.throws(() => entries(text, format), (err: unknown) => {
    expect(err, String(err)).to.be.instanceOf(ParseError);
    const pe = err as ParseError;
    expect(pe.message).to.contain(fragment);
    expect([pe.line, pe.column], pe.message).to.deep.equal([line, column]);
    return true;
  });
}
