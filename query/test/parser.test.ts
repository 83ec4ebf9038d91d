import { expect } from 'chai';
import { QueryError, formatGoFloatF, formatPromValue, parseExpr } from '@hlmon/query';

function parseError(expr: string): QueryError {
  try {
    parseExpr(expr);
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(expr)} to fail`);
}

describe('parseExpr', () => {
  it('folds offset and @ into the selector they modify', () => {
    const e = parseExpr('rate(x{a="b"}[5m] offset 1m @ 100)');
    expect(e.kind).to.equal('call');
    const arg = (e as unknown as { args: unknown[] }).args[0] as { kind: string; rangeMs: number; selector: { offsetMs: number; at: unknown } };
    expect(arg.kind).to.equal('matrixSelector');
    expect(arg.rangeMs).to.equal(300_000);
    expect(arg.selector.offsetMs).to.equal(60_000);
    expect(arg.selector.at).to.deep.equal({ kind: 'time', ms: 100_000 });
  });

  it('reads keywords case-insensitively and grouping after the argument', () => {
    const e = parseExpr('SUM(x) BY (job)');
    expect(e).to.include({ kind: 'aggregate', op: 'sum', without: false });
    expect((e as unknown as { grouping: string[] }).grouping).to.deep.equal(['job']);
  });

  it('makes ^ right-associative and binds a sign looser than ^', () => {
    const e = parseExpr('-2 ^ 3 ^ 2') as unknown as { kind: string; expr: { op: string; rhs: { op: string } } };
    expect(e.kind).to.equal('unary');
    expect(e.expr.op).to.equal('^');
    expect(e.expr.rhs.op).to.equal('^');
  });

  it('accepts durations up to years', () => {
    const e = parseExpr('x[1y2w3d4h5m6s7ms]') as unknown as { rangeMs: number };
    expect(e.rangeMs).to.equal(((((365 + 14 + 3) * 24 + 4) * 60 + 5) * 60 + 6) * 1000 + 7);
  });

  it('reports a syntax error with line and column', () => {
    const err = parseError('sum(x) +');
    expect(err.type).to.equal('bad_data');
    expect(err.message).to.equal('1:9: parse error: unexpected end of input');
    expect(err.positionRange).to.deep.equal({ start: 8, end: 9 });
  });

  it('reports an unknown function by name', () => {
    expect(parseError('foo(x)').message).to.equal('1:1: parse error: unknown function with name "foo"');
  });

  it('reports a type error in a function call', () => {
    expect(parseError('rate(x)').message).to.match(/expected type range vector in call to function "rate", got instant vector/);
  });

  it('requires bool for comparisons between scalars', () => {
    expect(parseError('1 > 2').message).to.match(/comparisons between scalars must use BOOL modifier/);
  });

  it('rejects a selector that matches everything', () => {
    expect(parseError('{a=~".*"}').message).to.match(/at least one non-empty matcher/);
  });

  it('rejects a zero duration as Prometheus 2.42 does', () => {
    expect(parseError('x offset 0s').message).to.equal('1:10: parse error: duration must be greater than 0');
  });

  it('rejects an unknown escape sequence in a string', () => {
    expect(parseError('x{a="b\\-c"}').message).to.equal("1:5: parse error: unknown escape sequence U+002D '-'");
  });

  it('unescapes Go escapes and keeps back-quoted strings raw', () => {
    const e = parseExpr('x{a="\\x41\\u00e9\\"", b=`\\d`}') as unknown as { matchers: { name: string; value: string }[] };
    expect(e.matchers.map((m) => [m.name, m.value])).to.deep.equal([['__name__', 'x'], ['a', 'Aé"'], ['b', '\\d']]);
  });

  it('rejects grouping modifiers on set operators', () => {
    expect(parseError('a and on(x) group_left b').message).to.match(/no grouping allowed for "and" operation/);
  });
});

describe('formatPromValue', () => {
  it('formats as Prometheus\'s JSON: Go \'f\' format, switching to \'e\' below 1e-6 and from 1e21', () => {
    expect(formatPromValue(1e21)).to.equal('1e+21');
    expect(formatPromValue(4.734366679e21)).to.equal('4.734366679e+21');
    expect(formatPromValue(1e-7)).to.equal('1e-07');
    expect(formatPromValue(-1.2345e-10)).to.equal('-1.2345e-10');
    expect(formatPromValue(1e-6)).to.equal('0.000001');
    expect(formatPromValue(1.5)).to.equal('1.5');
    expect(formatPromValue(123456789012)).to.equal('123456789012');
    expect(formatPromValue(1e20)).to.equal('100000000000000000000');
  });

  it('spells infinities and NaN as Prometheus does', () => {
    expect([formatPromValue(Infinity), formatPromValue(-Infinity), formatPromValue(NaN)]).to.deep.equal(['+Inf', '-Inf', 'NaN']);
  });
});

describe('formatGoFloatF', () => {
  it('never uses exponent notation, as Go strconv.FormatFloat(v, \'f\', -1, 64)', () => {
    expect(formatGoFloatF(1e21)).to.equal('1000000000000000000000');
    expect(formatGoFloatF(1.2345e-10)).to.equal('0.00000000012345');
    expect(formatGoFloatF(-0)).to.equal('-0');
  });
});
