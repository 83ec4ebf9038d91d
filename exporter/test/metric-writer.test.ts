import { expect } from 'chai';
import { MetricWriter, RenderCache, renderOpenMetrics, renderText, type MetricType } from '@hlmon/exporter';

describe('metric writer', () => {
  it('renders families sorted by name with HELP and TYPE lines', () => {
    const w = new MetricWriter();
    w.gauge('node_load5', '5m load average.', 0.5);
    w.gauge('node_load1', '1m load average.', 1.25);
    expect(renderText(w.all())).to.equal(
      '# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 1.25\n'
      + '# HELP node_load5 5m load average.\n# TYPE node_load5 gauge\nnode_load5 0.5\n',
    );
  });

  it('escapes backslashes, quotes and newlines in label values', () => {
    const w = new MetricWriter();
    w.gauge('x', 'h', 1, { path: 'C:\\dir "a"\nb' });
    expect(renderText(w.all())).to.contain('x{path="C:\\\\dir \\"a\\"\\nb"} 1\n');
  });

  it('writes NaN and infinities as the text format spells them', () => {
    const w = new MetricWriter();
    w.gauge('a', 'h', NaN);
    w.gauge('b', 'h', Infinity);
    w.gauge('c', 'h', -Infinity);
    const text = renderText(w.all());
    expect(text).to.contain('a NaN\n').and.contain('b +Inf\n').and.contain('c -Inf\n');
  });

  it('declares counters without _total in OpenMetrics and ends with # EOF', () => {
    const w = new MetricWriter();
    w.counter('node_forks_total', 'Total number of forks.', 7);
    w.untyped('node_vmstat_pgfault', 'f', 3);
    const om = renderOpenMetrics(w.all());
    expect(om).to.contain('# TYPE node_forks counter\n').and.contain('node_forks_total 7\n');
    expect(om).to.contain('# TYPE node_vmstat_pgfault unknown\n');
    expect(om.endsWith('# EOF\n')).to.equal(true);
  });

  it('merges samples of the same family absorbed from another writer', () => {
    const a = new MetricWriter();
    const b = new MetricWriter();
    a.gauge('m', 'h', 1, { k: 'a' });
    b.gauge('m', 'h', 2, { k: 'b' });
    a.absorb(b);
    expect(a.sampleCount()).to.equal(2);
    expect(renderText(a.all()).match(/# TYPE m/g)).to.have.length(1);
  });

  it('renders with a cache kept across scrapes exactly as without one, as families come, go and change', () => {
    const cache = new RenderCache();
    const scrape = (names: string[], type: MetricType = 'gauge', help = 'h'): MetricWriter => {
      const w = new MetricWriter();
      for (const [i, name] of names.entries()) w.family(name, name === 'c' ? type : 'gauge', name === 'c' ? help : 'h').samples.push({ suffix: '', labels: { i: String(i) }, value: i });
      return w;
    };
    const scrapes = [
      scrape(['d', 'b', 'c']), scrape(['d', 'b', 'c']), // same names: placed by remembered rank
      scrape(['d', 'a', 'c', 'b']), // a new name: sorted afresh
      scrape(['c', 'd']), // names gone
      scrape(['c', 'd'], 'counter', 'now a counter'), // a textfile family changed its type and help
      scrape(['b', 'c']),
    ];
    for (const w of scrapes) expect(renderText(w.all(), cache)).to.equal(renderText(w.all()));
    expect(renderText(scrapes[4]!.all(), cache)).to.contain('# HELP c now a counter\n# TYPE c counter\n');
    // Two writers rendered together with a name in both keep both (the order of the last sort cannot place them).
    const twice = [...scrape(['b', 'c']).all(), ...scrape(['c']).all()];
    expect(renderText(twice, cache)).to.equal(renderText(twice));
    expect(renderText(twice, cache).match(/# TYPE c/g)).to.have.length(2);
  });
});
