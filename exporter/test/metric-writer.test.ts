import { expect } from 'chai';
import { MetricWriter, renderOpenMetrics, renderText } from '@hlmon/exporter';

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
});
