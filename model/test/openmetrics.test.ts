import { expect } from 'chai';
import { TextParser, parseAll } from '@hlmon/model';
import { entries, expectParseError } from './helpers.js';

const om = (text: string) => entries(text, 'openmetrics');

describe('TextParser, OpenMetrics 1.0', () => {
  it('reads HELP, TYPE, UNIT and series, ending at # EOF', () => {
    const text = '# TYPE node_boot_time_seconds gauge\n# UNIT node_boot_time_seconds seconds\n# HELP node_boot_time_seconds Boot time.\nnode_boot_time_seconds 1.7e+09\n# EOF\n';
    expect(om(text)).to.deep.equal([
      { kind: 'type', name: 'node_boot_time_seconds', type: 'gauge' },
      { kind: 'unit', name: 'node_boot_time_seconds', unit: 'seconds' },
      { kind: 'help', name: 'node_boot_time_seconds', text: 'Boot time.' },
      { kind: 'series', series: 'node_boot_time_seconds', labels: { __name__: 'node_boot_time_seconds' }, value: 1.7e9 },
    ]);
  });

  it('accepts # EOF without a final newline', () => {
    expect(om('a 1\n# EOF')).to.have.length(1);
  });

  it('requires # EOF at the end', () => {
    expectParseError('a 1\n', 'openmetrics', 2, 1, 'data does not end with # EOF');
  });

  it('rejects anything after # EOF', () => {
    expectParseError('a 1\n# EOF\nb 2\n', 'openmetrics', 3, 1, 'unexpected data after # EOF');
    expectParseError('# EOF\n\n', 'openmetrics', 2, 1, 'unexpected data after # EOF');
  });

  it('reads timestamps as seconds with a fraction and returns milliseconds', () => {
    expect(om('a 1 1520879607.789\nb 2 1520879607\nc 3 1.5e9\n# EOF\n').map((e) => (e as { ts: number }).ts)).to.deep.equal([
      1520879607789, 1520879607000, 1500000000000,
    ]);
  });

  it('rounds a timestamp to the nearest millisecond rather than truncating float noise', () => {
    expect(om('a 1 1.001\n# EOF\n')[0]).to.deep.include({ ts: 1001 });
  });

  it('rejects NaN and infinite timestamps', () => {
    expectParseError('a 1 NaN\n# EOF\n', 'openmetrics', 1, 5, 'invalid timestamp "NaN"');
    expectParseError('a 1 +Inf\n# EOF\n', 'openmetrics', 1, 5, 'invalid timestamp "+Inf"');
  });

  it('skips exemplars after the value or the timestamp', () => {
    const text = 'foo_bucket{le="0.1"} 8 # {trace_id="KOO5S4vxi0o"} 0.67\nfoo_bucket{le="1"} 11 1520879607.789 # {trace_id="oHg5SJYRHA0"} 9.8 1520879607.789\nfoo_total 3 # {} 1\n# EOF\n';
    const got = om(text);
    expect(got.map((e) => (e as { series: string }).series)).to.deep.equal(['foo_bucket{le="0.1"}', 'foo_bucket{le="1"}', 'foo_total']);
    expect(got[0]).to.deep.include({ labels: { __name__: 'foo_bucket', le: '0.1' }, value: 8 });
    expect(got[1]).to.deep.include({ labels: { __name__: 'foo_bucket', le: '1' }, value: 11, ts: 1520879607789 });
  });

  it('rejects a malformed exemplar', () => {
    expectParseError('a 1 # {x="y"}\n# EOF\n', 'openmetrics', 1, 14, 'expected exemplar value');
    expectParseError('a 1 # x\n# EOF\n', 'openmetrics', 1, 5, 'expected exemplar');
  });

  it('unescapes \\" in HELP as well as backslash and newline', () => {
    expect(om('# HELP m a \\"q\\" \\\\ \\n\n# EOF\n')).to.deep.equal([{ kind: 'help', name: 'm', text: 'a "q" \\ \n' }]);
  });

  it('reads every OpenMetrics type', () => {
    const types = om('# TYPE a counter\n# TYPE b gauge\n# TYPE c histogram\n# TYPE d gaugehistogram\n# TYPE e summary\n# TYPE f info\n# TYPE g stateset\n# TYPE h unknown\n# EOF\n')
      .map((e) => (e as { type: string }).type);
    expect(types).to.deep.equal(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']);
  });

  it('rejects untyped, which is spelled unknown in OpenMetrics', () => {
    expectParseError('# TYPE a untyped\n# EOF\n', 'openmetrics', 1, 10, 'invalid metric type "untyped"');
  });

  it('rejects a unit that is not a suffix of the metric name', () => {
    expectParseError('# UNIT a_bytes seconds\n# EOF\n', 'openmetrics', 1, 16, 'unit "seconds" not a suffix of metric "a_bytes"');
  });

  it('rejects comments other than HELP, TYPE, UNIT and EOF', () => {
    expectParseError('# hello\n# EOF\n', 'openmetrics', 1, 3, 'OpenMetrics allows only');
  });

  it('rejects blank lines', () => {
    expectParseError('a 1\n\nb 2\n# EOF\n', 'openmetrics', 2, 1, 'expected a valid start token');
  });

  it('rejects blanks inside a label block and a trailing comma', () => {
    expectParseError('a{x="1", y="2"} 1\n# EOF\n', 'openmetrics', 1, 9, 'expected label name');
    expectParseError('a{x="1",} 1\n# EOF\n', 'openmetrics', 1, 9, 'expected label name');
    expectParseError('a{x="1" y="2"} 1\n# EOF\n', 'openmetrics', 1, 8, 'expected comma or closing brace');
  });

  it('rejects two blanks before the value', () => {
    expectParseError('a  1\n# EOF\n', 'openmetrics', 1, 3, 'expected value after metric');
  });

  it('rejects a raw newline inside a label value', () => {
    expectParseError('a{x="1\n"} 1\n# EOF\n', 'openmetrics', 1, 5, 'label value is not terminated');
  });

  it('groups a counter family with its _total and _created samples', () => {
    const fams = parseAll('# TYPE requests counter\n# HELP requests Requests.\nrequests_total{code="200"} 10\nrequests_created{code="200"} 1.6e9\n# EOF\n', 'openmetrics');
    expect(fams).to.have.length(1);
    expect(fams[0]!.type).to.equal('counter');
    expect(fams[0]!.samples.map((s) => s.labels.metricName)).to.deep.equal(['requests_total', 'requests_created']);
  });

  it('returns eof for # EOF and keeps returning it', () => {
    const p = new TextParser('# EOF\n', 'openmetrics');
    expect([p.next(), p.next()]).to.deep.equal(['eof', 'eof']);
  });
});
