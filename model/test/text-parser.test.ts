import { expect } from 'chai';
import assert from 'node:assert/strict';
import { Labels, ParseError, TextParser } from '@hlmon/model';
import { entries, expectParseError } from './helpers.js';

describe('TextParser, Prometheus text format 0.0.4', () => {
  it('reports HELP, TYPE, comments and series in document order, then eof', () => {
    const text = '# HELP up Whether the target is up.\n# TYPE up gauge\n# just a comment\nup{job="node"} 1\n';
    expect(entries(text)).to.deep.equal([
      { kind: 'help', name: 'up', text: 'Whether the target is up.' },
      { kind: 'type', name: 'up', type: 'gauge' },
      { kind: 'comment', text: '# just a comment' },
      { kind: 'series', series: 'up{job="node"}', labels: { __name__: 'up', job: 'node' }, value: 1 },
    ]);
  });

  it('keeps returning eof after the end', () => {
    const p = new TextParser('a 1\n');
    expect([p.next(), p.next(), p.next()]).to.deep.equal(['series', 'eof', 'eof']);
  });

  it('gives the raw series text as written, for use as a cache key', () => {
    const p = new TextParser('http_requests_total{method="post",code="200"} 1027 1395066363000\n');
    p.next();
    expect(p.series()).to.equal('http_requests_total{method="post",code="200"}');
    expect(p.metricName()).to.equal('http_requests_total');
  });

  it('builds sorted labels with __name__ on demand', () => {
    const p = new TextParser('m{zeta="1",alpha="2",mid="3"} 1\n');
    p.next();
    expect(p.labels().toArray().map((l) => l.name)).to.deep.equal(['__name__', 'alpha', 'mid', 'zeta']);
    expect(p.labels().equals(Labels.from({ __name__: 'm', alpha: '2', mid: '3', zeta: '1' }))).to.equal(true);
  });

  it('keeps labels built for one series valid after moving to the next', () => {
    const p = new TextParser('a{x="1"} 1\nb{y="2"} 2\n');
    p.next();
    const first = p.labels();
    p.next();
    expect(first.key).to.equal('__name__="a",x="1"');
    expect(p.labels().key).to.equal('__name__="b",y="2"');
  });

  it('unescapes backslash, double quote and newline in label values', () => {
    const [e] = entries('m{path="C:\\\\dir",q="say \\"hi\\"",nl="a\\nb",other="\\t"} 1\n');
    expect(e).to.include({ kind: 'series' });
    expect((e as { labels: Record<string, string> }).labels).to.deep.equal({
      __name__: 'm', path: 'C:\\dir', q: 'say "hi"', nl: 'a\nb', other: '\\t',
    });
  });

  it('unescapes backslash and newline in HELP but leaves \\" as written, as 0.0.4 defines', () => {
    expect(entries('# HELP m a\\\\b\\nc \\"d\\"\n')).to.deep.equal([{ kind: 'help', name: 'm', text: 'a\\b\nc \\"d\\"' }]);
  });

  it('reads an empty HELP text', () => {
    expect(entries('# HELP m\n# HELP n \n')).to.deep.equal([
      { kind: 'help', name: 'm', text: '' }, { kind: 'help', name: 'n', text: '' },
    ]);
  });

  it('reads integer millisecond timestamps', () => {
    const [e] = entries('m 1 1395066363000\n');
    expect(e).to.deep.include({ value: 1, ts: 1395066363000 });
  });

  it('reports no timestamp when the line has none', () => {
    const p = new TextParser('m 1\n');
    p.next();
    expect(p.timestampMs()).to.equal(undefined);
  });

  it('reads NaN and the infinities in every spelling Prometheus accepts', () => {
    const values = entries('a NaN\nb +Inf\nc -Inf\nd Inf\ne +inf\nf nan\ng Infinity\nh -infinity\n').map((e) => (e as { value: number }).value);
    expect(values.map(String)).to.deep.equal(['NaN', 'Infinity', '-Infinity', 'Infinity', 'Infinity', 'NaN', 'Infinity', '-Infinity']);
  });

  it('reads exponent and fraction spellings of values', () => {
    const values = entries('a 1e+06\nb 1.2027e-05\nc -0.5\nd .5\ne 1.\nf 1E3\n').map((e) => (e as { value: number }).value);
    expect(values).to.deep.equal([1e6, 1.2027e-5, -0.5, 0.5, 1, 1000]);
  });

  it('skips blank lines and lines of blanks', () => {
    expect(entries('\n\na 1\n  \t\n\nb 2\n\n').length).to.equal(2);
  });

  it('accepts blanks before a line, around braces, equals signs and commas', () => {
    const [e] = entries('  \tm { a = "1" , b="2" }  7   123  \n');
    expect(e).to.deep.equal({ kind: 'series', series: 'm { a = "1" , b="2" }', labels: { __name__: 'm', a: '1', b: '2' }, value: 7, ts: 123 });
  });

  it('accepts a trailing comma and a missing comma in a label block, as Prometheus 2.x does', () => {
    expect(entries('m{a="1",} 1\n')[0]).to.deep.include({ labels: { __name__: 'm', a: '1' } });
    expect(entries('m{a="1" b="2"} 1\n')[0]).to.deep.include({ labels: { __name__: 'm', a: '1', b: '2' } });
  });

  it('reads an empty label block', () => {
    expect(entries('m{} 1\n')[0]).to.deep.include({ series: 'm{}', labels: { __name__: 'm' } });
  });

  it('drops labels with empty values from the label set', () => {
    expect(entries('m{a="",b="x"} 1\n')[0]).to.deep.include({ labels: { __name__: 'm', b: 'x' } });
  });

  it('reads CRLF line ends as LF', () => {
    expect(entries('# HELP m h\r\n# TYPE m gauge\r\nm{a="b"} 1\r\nn 2 5\r\n')).to.deep.equal([
      { kind: 'help', name: 'm', text: 'h' },
      { kind: 'type', name: 'm', type: 'gauge' },
      { kind: 'series', series: 'm{a="b"}', labels: { __name__: 'm', a: 'b' }, value: 1 },
      { kind: 'series', series: 'n', labels: { __name__: 'n' }, value: 2, ts: 5 },
    ]);
  });

  it('accepts a last line without a newline', () => {
    expect(entries('a 1\nb 2')).to.have.length(2);
    expect(entries('a 1 17')[0]).to.deep.include({ ts: 17 });
  });

  it('accepts metric names with colons and label values with any characters', () => {
    expect(entries('job:up:sum{v="ü {}=,\\"#"} 1\n')[0]).to.deep.include({ labels: { __name__: 'job:up:sum', v: 'ü {}=,"#' } });
  });

  it('treats "# HELP" without a blank after it and other hash lines as comments', () => {
    expect(entries('#HELP m x\n# HELPER m x\n#\n')).to.deep.equal([
      { kind: 'comment', text: '#HELP m x' }, { kind: 'comment', text: '# HELPER m x' }, { kind: 'comment', text: '#' },
    ]);
  });

  it('reads every 0.0.4 metric type', () => {
    const types = entries('# TYPE a counter\n# TYPE b gauge\n# TYPE c histogram\n# TYPE d summary\n# TYPE e untyped\n').map((e) => (e as { type: string }).type);
    expect(types).to.deep.equal(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
  });

  describe('lazy and eager name checks', () => {
    it('raises the ParseError for a malformed name from labels() in the default lazy mode', () => {
      const p = new TextParser('foo-bar 1\n');
      expect(p.next()).to.equal('series');
      assert.throws(() => p.labels(), (err: unknown) => err instanceof ParseError && err.column === 4 && err.message.includes('invalid value "-bar"'));
    });

    it('raises the same ParseError from next() in eager mode', () => {
      const p = new TextParser('foo-bar 1\n', 'prometheus', { checkNames: 'eager' });
      assert.throws(() => p.next(), (err: unknown) => err instanceof ParseError && err.column === 4);
    });

    it('stays failed after labels() found a malformed line', () => {
      const p = new TextParser('a{b c="1"} 1\nd 2\n');
      p.next();
      assert.throws(() => p.labels(), ParseError);
      assert.throws(() => p.next(), ParseError);
    });

    it('checks values and timestamps in next() in lazy mode too', () => {
      const p = new TextParser('a{b="1"} x\n');
      assert.throws(() => p.next(), (err: unknown) => err instanceof ParseError && err.message.includes('invalid value "x"'));
    });

    it('finds the same series, values and timestamps in both modes', () => {
      const text = 'a 1\nb{x="1 2",y="}{"} 2 3\n c { x = "\\"" , } -4.5e-3\nd\t5\r\ne{a="multi\nline"} NaN\nf{} +Inf 7';
      const read = (checkNames: 'lazy' | 'eager') => {
        const p = new TextParser(text, 'prometheus', { checkNames });
        const out: unknown[] = [];
        for (let k = p.next(); k !== 'eof'; k = p.next()) out.push([p.series(), String(p.value()), p.timestampMs(), p.labels().key]);
        return out;
      };
      expect(read('lazy')).to.deep.equal(read('eager'));
      expect(read('lazy')).to.have.length(6);
    });
  });

  describe('errors', () => {
    it('raises a ParseError with line and column for a missing value', () => {
      expectParseError('a 1\nmetric_without_value\n', 'prometheus', 2, 21, 'expected value after metric');
    });

    it('names the offending value', () => {
      expectParseError('m{a="b"} one\n', 'prometheus', 1, 10, 'invalid value "one"');
    });

    it('rejects a value beyond float64', () => {
      expectParseError('m 1e999\n', 'prometheus', 1, 3, 'value out of range');
    });

    it('rejects an unknown metric type', () => {
      expectParseError('# TYPE m countr\n', 'prometheus', 1, 10, 'invalid metric type "countr"');
    });

    it('rejects the OpenMetrics-only types in 0.0.4', () => {
      expectParseError('# TYPE m info\n', 'prometheus', 1, 10, 'invalid metric type "info"');
    });

    it('rejects a HELP without a metric name', () => {
      expectParseError('# HELP 1abc text\n', 'prometheus', 1, 8, 'expected metric name after HELP');
    });

    it('rejects a line that does not start with a name or a hash', () => {
      expectParseError('a 1\n{a="b"} 1\n', 'prometheus', 2, 1, 'expected a valid start token');
      expectParseError('1m 1\n', 'prometheus', 1, 1, 'expected a valid start token');
    });

    it('rejects an unquoted label value', () => {
      expectParseError('m{a=b} 1\n', 'prometheus', 1, 5, 'expected label value');
    });

    it('rejects a label without an equals sign', () => {
      expectParseError('m{a} 1\n', 'prometheus', 1, 4, 'expected equal');
    });

    it('rejects an invalid label name', () => {
      expectParseError('m{1a="x"} 1\n', 'prometheus', 1, 3, 'expected label name');
      expectParseError('m{,} 1\n', 'prometheus', 1, 3, 'expected label name');
    });

    it('rejects an unterminated label value', () => {
      expectParseError('m{a="x} 1\n', 'prometheus', 1, 5, 'label value is not terminated');
      expectParseError('m{a="x\\"} 1\n', 'prometheus', 1, 5, 'label value is not terminated');
    });

    it('rejects text after the value that is not a timestamp', () => {
      expectParseError('m 1 abc\n', 'prometheus', 1, 5, 'expected timestamp or new record');
      expectParseError('m 1 -5\n', 'prometheus', 1, 5, 'expected timestamp or new record');
    });

    it('rejects text after the timestamp', () => {
      expectParseError('m 1 2 3\n', 'prometheus', 1, 7, 'expected next entry after timestamp');
      expectParseError('m 1 2.5\n', 'prometheus', 1, 6, 'expected next entry after timestamp');
    });

    it('rejects a lone carriage return inside a line', () => {
      expectParseError('m 1\r2\n', 'prometheus', 1, 4, 'expected timestamp or new record');
    });

    it('rejects a duplicate label name when the labels are built', () => {
      const p = new TextParser('m{a="1",a="2"} 1\n');
      expect(p.next()).to.equal('series');
      assert.throws(() => p.labels(), (err: unknown) => err instanceof ParseError && err.message.includes('duplicate label name "a"') && err.column === 9);
      const q = new TextParser('m{__name__="x"} 1\n');
      q.next();
      assert.throws(() => q.labels(), /duplicate label name "__name__"/);
    });

    it('quotes the entry parsed so far in the message, as Prometheus does', () => {
      expectParseError('go_goroutines{a="b"} x1\n', 'prometheus', 1, 22, 'invalid value "x1" while parsing: "go_goroutines{a=\\"b\\"} x1"');
    });

    it('keeps throwing the same error after a failure', () => {
      const p = new TextParser('a 1\nb\n');
      p.next();
      let first: unknown;
      try { p.next(); } catch (err) { first = err; }
      assert.throws(() => p.next(), (err: unknown) => err === first);
    });
  });
});
