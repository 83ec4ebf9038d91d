import { expect } from 'chai';
import assert from 'node:assert/strict';
import { DurationError, MAX_DURATION_MS, formatDuration, parseDuration } from '@hlmon/model';

const S = 1000, M = 60 * S, H = 60 * M, D = 24 * H, W = 7 * D, Y = 365 * D;

describe('parseDuration', () => {
  const valid: Array<[string, number]> = [
    ['0', 0], ['0s', 0], ['1ms', 1], ['15s', 15 * S], ['5m', 5 * M], ['1h30m', H + 30 * M], ['2d', 2 * D],
    ['1w', W], ['1y', Y], ['1y2w3d4h5m6s7ms', Y + 2 * W + 3 * D + 4 * H + 5 * M + 6 * S + 7], ['90d', 90 * D],
    ['1m30s500ms', M + 30 * S + 500], ['0010s', 10 * S],
  ];
  for (const [text, ms] of valid) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => {
      expect(parseDuration(text)).to.equal(ms);
    });
  }

  const invalid: Array<[string, string]> = [
    ['', 'empty duration string'], ['1', 'expected a unit'], ['h', 'expected a number'], ['1.5h', 'expected a unit'],
    ['30m1h', 'out of order'], ['1h1h', 'out of order'], ['1s1m', 'out of order'], ['-1s', 'expected a number'],
    ['1 h', 'expected a unit'], ['1H', 'expected a unit'], ['5ns', 'expected a unit'], [' 1s', 'expected a number'],
    ['300y', 'out of range'],
  ];
  for (const [text, reason] of invalid) {
    it(`rejects ${JSON.stringify(text)} with an error naming the input (${reason})`, () => {
      assert.throws(() => parseDuration(text), (err: unknown) => {
        expect(err).to.be.instanceOf(DurationError);
        expect((err as DurationError).message).to.contain(JSON.stringify(text)).and.to.contain(reason);
        expect((err as DurationError).input).to.equal(text);
        return true;
      });
    });
  }

  it('accepts the largest duration Prometheus can hold and nothing above it', () => {
    expect(parseDuration(`${MAX_DURATION_MS}ms`)).to.equal(MAX_DURATION_MS);
    assert.throws(() => parseDuration(`${MAX_DURATION_MS + 1}ms`), DurationError);
  });
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'], [1, '1ms'], [1500, '1s500ms'], [15 * S, '15s'], [H + 30 * M, '1h30m'], [D, '1d'], [W, '1w'],
    [2 * W, '2w'], [Y, '1y'], [90 * D, '90d'], [8 * D, '8d'], [Y + D, '366d'], [2 * Y, '2y'], [W + H, '7d1h'],
    [25 * H, '1d1h'], [61 * M + 1, '1h1m1ms'],
  ];
  for (const [ms, text] of cases) {
    it(`prints ${ms} ms as ${text}, as Prometheus does`, () => {
      expect(formatDuration(ms)).to.equal(text);
    });
  }

  it('round-trips every printed duration through parseDuration', () => {
    for (const [ms] of cases) expect(parseDuration(formatDuration(ms))).to.equal(ms);
  });

  it('rejects negative and fractional milliseconds', () => {
    assert.throws(() => formatDuration(-1), RangeError);
    assert.throws(() => formatDuration(1.5), RangeError);
  });
});
