import { expect } from 'chai';
import assert from 'node:assert/strict';
import { Labels, Matcher, MatcherError, matchesAll } from '@hlmon/model';

describe('Matcher', () => {
  it('matches equality and inequality exactly', () => {
    expect(new Matcher('=', 'job', 'node').matches('node')).to.equal(true);
    expect(new Matcher('=', 'job', 'node').matches('node2')).to.equal(false);
    expect(new Matcher('!=', 'job', 'node').matches('node2')).to.equal(true);
    expect(new Matcher('!=', 'job', 'node').matches('node')).to.equal(false);
  });

  it('anchors regular expressions at both ends', () => {
    const m = new Matcher('=~', 'job', 'no.e');
    expect(m.matches('node')).to.equal(true);
    expect(m.matches('xnode')).to.equal(false);
    expect(m.matches('nodes')).to.equal(false);
  });

  it('anchors each alternative of an alternation, as ^(?:a|b)$ does', () => {
    const m = new Matcher('=~', 'job', 'a|b');
    expect(m.matches('a')).to.equal(true);
    expect(m.matches('ab')).to.equal(false);
    expect(m.matches('xb')).to.equal(false);
  });

  it('lets dot match a newline, as Prometheus compiles regexes with the s flag', () => {
    expect(new Matcher('=~', 'x', 'a.b').matches('a\nb')).to.equal(true);
  });

  it('honours a leading (?i) flag group', () => {
    const m = new Matcher('=~', 'job', '(?i)NODE');
    expect(m.matches('node')).to.equal(true);
    expect(m.matches('Node')).to.equal(true);
    expect(m.matches('nodes')).to.equal(false);
  });

  it('negates regular expressions with !~', () => {
    const m = new Matcher('!~', 'job', 'node|api');
    expect(m.matches('db')).to.equal(true);
    expect(m.matches('api')).to.equal(false);
  });

  it('treats an absent label as the empty value', () => {
    const l = Labels.from({ __name__: 'up' });
    expect(matchesAll([new Matcher('=', 'job', '')], l)).to.equal(true);
    expect(matchesAll([new Matcher('=~', 'job', '.*')], l)).to.equal(true);
    expect(matchesAll([new Matcher('=~', 'job', '.+')], l)).to.equal(false);
    expect(matchesAll([new Matcher('!=', 'job', '')], l)).to.equal(false);
    expect(new Matcher('=~', 'job', 'a|').matchesEmpty()).to.equal(true);
  });

  it('requires every matcher to accept the labels', () => {
    const l = Labels.from({ __name__: 'up', job: 'node', instance: 'h1' });
    expect(matchesAll([new Matcher('=', '__name__', 'up'), new Matcher('=~', 'instance', 'h.')], l)).to.equal(true);
    expect(matchesAll([new Matcher('=', '__name__', 'up'), new Matcher('=', 'instance', 'h2')], l)).to.equal(false);
  });

  it('lists the literals of a plain alternation for index lookups', () => {
    expect(new Matcher('=~', 'job', 'a|b|c').setMatches).to.deep.equal(['a', 'b', 'c']);
    expect(new Matcher('=~', 'job', 'a.*').setMatches).to.equal(undefined);
  });

  it('rejects an invalid regular expression with a MatcherError naming it', () => {
    assert.throws(() => new Matcher('=~', 'job', '(unclosed'), (err: unknown) => {
      expect(err).to.be.instanceOf(MatcherError);
      expect((err as Error).message).to.contain('"(unclosed"');
      return true;
    });
  });

  it('prints PromQL notation', () => {
    expect(new Matcher('=~', 'job', 'a"b').toString()).to.equal('job=~"a\\"b"');
  });
});
