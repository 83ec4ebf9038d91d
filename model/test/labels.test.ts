import { expect } from 'chai';
import { Labels, LabelsBuilder, METRIC_NAME, fnv1a32, isValidLabelName, isValidMetricName } from '@hlmon/model';

describe('Labels', () => {
  it('sorts labels by name whatever the input order', () => {
    const l = Labels.from({ zone: 'a', __name__: 'up', job: 'node', instance: 'h:9100' });
    expect(l.toArray().map((x) => x.name)).to.deep.equal(['__name__', 'instance', 'job', 'zone']);
  });

  it('builds the canonical key as sorted name="value" pairs with JSON-quoted values', () => {
    const l = Labels.from({ job: 'node', __name__: 'up', path: 'C:\\x "y"\n' });
    expect(l.key).to.equal('__name__="up",job="node",path="C:\\\\x \\"y\\"\\n"');
  });

  it('round-trips through fromKey, escapes and commas in values included', () => {
    const l = Labels.from({ __name__: 'm', a: 'x,y="z"', b: '\\', c: 'ünï\tcode' });
    expect(Labels.fromKey(l.key).equals(l)).to.equal(true);
    expect(Labels.fromKey(l.key).key).to.equal(l.key);
  });

  it('reads the empty key as the empty label set', () => {
    expect(Labels.fromKey('').size).to.equal(0);
    expect(Labels.EMPTY.key).to.equal('');
  });

  it('drops labels with empty values, as Prometheus treats them as absent', () => {
    const l = Labels.from({ __name__: 'm', a: '', b: 'x' });
    expect(l.has('a')).to.equal(false);
    expect(l.key).to.equal('__name__="m",b="x"');
    expect(l.equals(Labels.from({ __name__: 'm', b: 'x' }))).to.equal(true);
  });

  it('treats label sets with the same pairs as equal regardless of construction order', () => {
    const a = Labels.from([['b', '2'], ['a', '1']]);
    const b = Labels.from({ a: '1', b: '2' });
    expect(a.equals(b)).to.equal(true);
    expect(a.equals(Labels.from({ a: '1', b: '3' }))).to.equal(false);
    expect(a.equals(Labels.from({ a: '1' }))).to.equal(false);
  });

  it('hashes the canonical key with FNV-1a so the hash is the same in every process', () => {
    const l = Labels.from({ __name__: 'up', job: 'node' });
    // Pinned value: a change here changes hashes persisted or shared between processes.
    expect(fnv1a32('')).to.equal(0x811c9dc5);
    expect(fnv1a32('a')).to.equal(0xe40c292c);
    expect(l.hash).to.equal(fnv1a32('__name__="up",job="node"'));
    expect(Labels.from({ job: 'node', __name__: 'up' }).hash).to.equal(l.hash);
  });

  it('returns an empty string for an absent label, as Prometheus does', () => {
    const l = Labels.from({ __name__: 'up' });
    expect(l.get('job')).to.equal('');
    expect(l.metricName).to.equal('up');
    expect(l.get(METRIC_NAME)).to.equal('up');
  });

  it('leaves the original unchanged when deriving with with() and without()', () => {
    const l = Labels.from({ __name__: 'up', job: 'node' });
    const w = l.with('instance', 'h1');
    const wo = l.without('job');
    expect(l.key).to.equal('__name__="up",job="node"');
    expect(w.key).to.equal('__name__="up",instance="h1",job="node"');
    expect(wo.key).to.equal('__name__="up"');
    expect(l.with('job', '').has('job')).to.equal(false);
  });

  it('collects several changes in a builder and sorts the result once', () => {
    const b = new LabelsBuilder(Labels.from({ b: '1', a: '2' }));
    b.set('c', '3').del('a').set('b', '');
    expect(b.labels().key).to.equal('c="3"');
  });

  it('prints Prometheus notation with the metric name outside the braces', () => {
    expect(Labels.from({ __name__: 'up', job: 'node', a: 'x' }).toString()).to.equal('up{a="x", job="node"}');
    expect(Labels.from({ __name__: 'up' }).toString()).to.equal('up');
    expect(Labels.EMPTY.toString()).to.equal('{}');
  });

  it('validates legacy metric and label names', () => {
    expect(isValidMetricName('node:cpu_seconds:rate5m')).to.equal(true);
    expect(isValidMetricName('1up')).to.equal(false);
    expect(isValidLabelName('le')).to.equal(true);
    expect(isValidLabelName('a:b')).to.equal(false);
  });
});
