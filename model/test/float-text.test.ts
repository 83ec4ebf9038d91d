import { expect } from 'chai';
import { FLOAT_OUT_OF_RANGE, INVALID_FLOAT, TextCache, TextParser, formatGoFloat, parseGoFloat } from '@hlmon/model';
import { seededRandom } from '@hlmon/testkit';

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

describe('reading values bit-exactly (random corpus, fixed seed)', () => {
  const rng = seededRandom;

  /** Decimals in the shapes exporters write and beyond: up to 25 digits each side, exponents to ±340. */
  function corpus(n: number): string[] {
    const next = rng(8128);
    const digits = (max: number): string => {
      let s = '';
      const len = Math.floor(next() * (max + 1));
      for (let i = 0; i < len; i++) s += String(Math.floor(next() * 10));
      return s;
    };
    const out: string[] = [];
    while (out.length < n) {
      const shape = next();
      let s = next() < 0.2 ? '-' : '';
      if (shape < 0.3) {
        s += digits(20) || '0';
      } else {
        const int = digits(shape < 0.6 ? 8 : 25), frac = digits(shape < 0.6 ? 9 : 25);
        if (int === '' && frac === '') continue;
        s += `${int}.${frac}`;
      }
      if (next() < 0.4) {
        const e = next() < 0.8 ? Math.floor(next() * 50) - 25 : Math.floor(next() * 680) - 340;
        s += `${next() < 0.5 ? 'e' : 'E'}${e < 0 ? '-' : next() < 0.5 ? '+' : ''}${Math.abs(e)}`;
      }
      out.push(s);
    }
    return out;
  }

  const texts = corpus(100_000);

  it('reads every decimal of the corpus as Number() does, bit for bit (or as out of range where Number() overflows)', () => {
    let fast = 0;
    for (const t of texts) {
      const want = Number(t);
      const got = parseGoFloat(t, 0, t.length);
      if (Number.isFinite(want)) {
        if (!Object.is(got, want)) expect.fail(`${t}: got ${String(got)}, Number() gives ${want}`);
        if (t.replace(/[-.]|e.*$/gi, '').replace(/^0+/, '').length <= 15) fast++;
      } else {
        expect(got, t).to.equal(FLOAT_OUT_OF_RANGE);
      }
    }
    // Both the fast path and the exact fallback must have been exercised.
    expect(fast).to.be.greaterThan(20_000);
    expect(texts.length - fast).to.be.greaterThan(20_000);
  });

  it('reads the same values as sample values of a text, with and without a TextCache', () => {
    const finite = texts.filter((t) => Number.isFinite(Number(t)));
    const text = finite.map((t, i) => `m{i="${i % 1000}"} ${t}\n`).join('');
    const cache = new TextCache();
    // Twice with the cache: the second pass takes the positional hit for every line.
    for (const opts of [{}, { cache }, { cache }]) {
      const p = new TextParser(text, 'prometheus', opts);
      let i = 0;
      for (let k = p.next(); k !== 'eof'; k = p.next()) {
        const want = Number(finite[i]!);
        if (!Object.is(p.value(), want)) expect.fail(`${finite[i]}: got ${p.value()}, Number() gives ${want}`);
        i++;
      }
      expect(i).to.equal(finite.length);
    }
  });
});
