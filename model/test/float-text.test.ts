import { expect } from 'chai';
import { FLOAT_OUT_OF_RANGE, INVALID_FLOAT, formatGoFloat, parseGoFloat } from '@hlmon/model';

const parse = (s: string) => parseGoFloat(s, 0, s.length);

describe('parseGoFloat', () => {
  const valid: Array<[string, number]> = [
    ['0', 0], ['1', 1], ['-1', -1], ['+1', 1], ['1.5', 1.5], ['.5', 0.5], ['1.', 1], ['1e3', 1000], ['1E3', 1000],
    ['1e+06', 1e6], ['1.2027e-05', 1.2027e-5], ['0.000124615', 0.000124615], ['1.8446744073709552e+19', 18446744073709552000],
    ['1.7956382867603688e+09', 1795638286.7603688], ['123456789012345678901234567890', 1.2345678901234568e29],
    ['0.1', 0.1], ['4.9e-324', 5e-324], ['1.7976931348623157e308', Number.MAX_VALUE],
  ];
  for (const [text, v] of valid) {
    it(`reads ${text} exactly as Go's ParseFloat does`, () => {
      expect(parse(text)).to.equal(v);
    });
  }

  it('reads every spelling of infinity that Go accepts', () => {
    for (const t of ['Inf', '+Inf', 'inf', '+inf', 'INF', 'Infinity', '+infinity', 'iNfInItY']) expect(parse(t)).to.equal(Infinity);
    for (const t of ['-Inf', '-inf', '-Infinity']) expect(parse(t)).to.equal(-Infinity);
  });

  it('reads NaN in any case but not with a sign', () => {
    expect(parse('NaN')).to.be.NaN;
    expect(parse('nan')).to.be.NaN;
    expect(parse('NAN')).to.be.NaN;
    expect(parse('+NaN')).to.equal(INVALID_FLOAT);
    expect(parse('-nan')).to.equal(INVALID_FLOAT);
  });

  it('rejects what Prometheus rejects: hex, underscores, partial words, empty text', () => {
    for (const t of ['', '+', '-', '.', 'e5', '1e', '1e+', '0x10', '0x1p3', '1_000', 'In', 'Infinit', 'infinityy', 'nana', '1,5', '1.5.', '--1', '1 ', ' 1', 'true']) {
      expect(parse(t), t).to.equal(INVALID_FLOAT);
    }
  });

  it('reports a decimal beyond float64 as out of range, as Go does', () => {
    expect(parse('1e309')).to.equal(FLOAT_OUT_OF_RANGE);
    expect(parse('-1e400')).to.equal(FLOAT_OUT_OF_RANGE);
  });

  it('parses only the given range of a longer string', () => {
    expect(parseGoFloat('x 12.5 y', 2, 6)).to.equal(12.5);
  });
});

describe('formatGoFloat', () => {
  // Each expected string is what Go's strconv.FormatFloat(v, 'g', -1, 64) prints, as node_exporter does.
  const cases: Array<[number, string]> = [
    [0, '0'], [1, '1'], [-1, '-1'], [160, '160'], [13030, '13030'], [999999, '999999'], [1e6, '1e+06'],
    [1194208, '1.194208e+06'], [0.0001, '0.0001'], [0.000124615, '0.000124615'], [1.2027e-5, '1.2027e-05'],
    [0.17400000000000002, '0.17400000000000002'], [18446744073709552000, '1.8446744073709552e+19'],
    [1e21, '1e+21'], [1e100, '1e+100'], [5e-324, '5e-324'], [-2.5e-7, '-2.5e-07'], [123456.5, '123456.5'],
    [Infinity, '+Inf'], [-Infinity, '-Inf'], [NaN, 'NaN'],
  ];
  for (const [v, text] of cases) {
    it(`prints ${v} as ${text}`, () => {
      expect(formatGoFloat(v)).to.equal(text);
    });
  }

  it('prints numbers that parse back to the same float64', () => {
    for (const v of [Math.PI, 1 / 3, 2 ** 53 + 2, 1e-7, 123456789.123, Number.MAX_VALUE, Number.MIN_VALUE]) {
      expect(parse(formatGoFloat(v))).to.equal(v);
    }
  });
});
