import { expect } from 'chai';
import { parseTextFormat, renderText, TextParseError } from '@hlmon/exporter';

function parseError(text: string): TextParseError {
  try {
    parseTextFormat(text);
  } catch (err) {
    return err as TextParseError;
  }
  throw new Error('expected a parse error');
}

describe('textfile parser', () => {
  it('parses typed families with labels and keeps HELP text', () => {
    const w = parseTextFormat('# HELP backup_ok Last backup succeeded.\n# TYPE backup_ok gauge\nbackup_ok{job="nas"} 1\n');
    expect(renderText(w.all())).to.equal('# HELP backup_ok Last backup succeeded.\n# TYPE backup_ok gauge\nbackup_ok{job="nas"} 1\n');
  });

  it('groups histogram bucket, sum and count samples into one family', () => {
    const w = parseTextFormat('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\nh_sum 4\nh_count 3\n');
    const families = [...w.all()];
    expect(families).to.have.length(1);
    expect(families[0]!.samples.map((s) => s.suffix)).to.deep.equal(['_bucket', '_bucket', '_sum', '_count']);
  });

  it('rejects a sample with a timestamp and names the line', () => {
    const err = parseError('ok 1\nbad 1 1700000000000\n');
    expect(err).to.be.instanceOf(TextParseError);
    expect(err.line).to.equal(2);
    expect(err.message).to.match(/timestamp/);
  });

  it('rejects an unterminated label value', () => {
    expect(parseError('m{a="x} 1\n').message).to.match(/line 1: label value is not terminated/);
  });

  it('rejects a value that is not a number', () => {
    expect(parseError('m 12abc\n').message).to.match(/line 1: invalid value "12abc"/);
  });

  it('rejects a TYPE line after the family has samples', () => {
    expect(parseError('m 1\n# TYPE m gauge\n').message).to.match(/line 2: TYPE for m after its samples/);
  });
});
