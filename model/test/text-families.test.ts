import { expect } from 'chai';
import { Labels, belongsToFamily, metadataOf, parseAll, writeText, type MetricFamily } from '@hlmon/model';

describe('parseAll', () => {
  it('groups histogram buckets, sum and count into one family', () => {
    const text = '# HELP h Latency.\n# TYPE h histogram\nh_bucket{le="0.1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 0.3\nh_count 2\n';
    const [f, ...rest] = parseAll(text);
    expect(rest).to.have.length(0);
    expect(f).to.deep.include({ name: 'h', type: 'histogram', help: 'Latency.' });
    expect(f!.samples.map((s) => s.labels.metricName)).to.deep.equal(['h_bucket', 'h_bucket', 'h_sum', 'h_count']);
    expect(f!.samples[1]!.labels.get('le')).to.equal('+Inf');
  });

  it('groups summary quantiles, sum and count into one family', () => {
    const fams = parseAll('# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 2\ns_count 3\n');
    expect(fams.map((f) => [f.name, f.samples.length])).to.deep.equal([['s', 3]]);
  });

  it('starts an untyped family for a sample without metadata', () => {
    const fams = parseAll('# TYPE a gauge\na 1\nb 2\nb{x="y"} 3\n');
    expect(fams.map((f) => [f.name, f.type, f.samples.length])).to.deep.equal([['a', 'gauge', 1], ['b', 'untyped', 2]]);
  });

  it('does not put a gauge-named sample with a histogram suffix into a gauge family', () => {
    const fams = parseAll('# TYPE g gauge\ng_count 1\n');
    expect(fams.map((f) => f.name)).to.deep.equal(['g', 'g_count']);
    expect(fams[0]!.samples).to.have.length(0);
  });

  it('keeps the timestamp of samples that have one', () => {
    expect(parseAll('a 1 1000\n')[0]!.samples[0]).to.deep.include({ value: 1, timestampMs: 1000 });
  });

  it('exposes TYPE, HELP and UNIT per family as metadata', () => {
    const meta = metadataOf(parseAll('# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# HELP a_seconds A.\na_seconds 1\n# EOF\n', 'openmetrics'));
    expect(meta.get('a_seconds')).to.deep.equal({ type: 'gauge', help: 'A.', unit: 'seconds' });
  });

  it('decides family membership by type', () => {
    expect(belongsToFamily('h', 'histogram', 'h_bucket')).to.equal(true);
    expect(belongsToFamily('h', 'summary', 'h_bucket')).to.equal(false);
    expect(belongsToFamily('c', 'counter', 'c_total')).to.equal(true);
    expect(belongsToFamily('c', 'gauge', 'c_total')).to.equal(false);
    expect(belongsToFamily('i', 'info', 'i_info')).to.equal(true);
  });
});

describe('writeText', () => {
  const sample = (obj: Record<string, string>, value: number, timestampMs?: number) =>
    timestampMs === undefined ? { labels: Labels.from(obj), value } : { labels: Labels.from(obj), value, timestampMs };

  it('writes HELP, TYPE and samples in the 0.0.4 format', () => {
    const fams: MetricFamily[] = [{ name: 'up', type: 'gauge', help: 'Up.', samples: [sample({ __name__: 'up', job: 'a' }, 1)] }];
    expect(writeText(fams)).to.equal('# HELP up Up.\n# TYPE up gauge\nup{job="a"} 1\n');
  });

  it('formats values as Go does', () => {
    const fams: MetricFamily[] = [{
      name: 'v', type: 'untyped',
      samples: [1194208, 1.2027e-5, 160, NaN, Infinity, -Infinity].map((v) => sample({ __name__: 'v' }, v)),
    }];
    expect(writeText(fams).split('\n').slice(1, -1)).to.deep.equal(['v 1.194208e+06', 'v 1.2027e-05', 'v 160', 'v NaN', 'v +Inf', 'v -Inf']);
  });

  it('writes le after the other labels of a histogram bucket and quantile last in a summary, as client_golang does', () => {
    const fams: MetricFamily[] = [
      { name: 'h', type: 'histogram', samples: [sample({ __name__: 'h_bucket', le: '0.5', zone: 'a' }, 1)] },
      { name: 's', type: 'summary', samples: [sample({ __name__: 's', quantile: '0.9', zone: 'a' }, 2)] },
    ];
    expect(writeText(fams)).to.contain('h_bucket{zone="a",le="0.5"} 1\n').and.to.contain('s{zone="a",quantile="0.9"} 2\n');
  });

  it('escapes label values and HELP text', () => {
    const fams: MetricFamily[] = [{ name: 'm', type: 'gauge', help: 'a\\b\nc "q"', samples: [sample({ __name__: 'm', p: 'C:\\x "y"\nz' }, 1)] }];
    expect(writeText(fams)).to.equal('# HELP m a\\\\b\\nc "q"\n# TYPE m gauge\nm{p="C:\\\\x \\"y\\"\\nz"} 1\n');
  });

  it('writes millisecond timestamps in 0.0.4 and seconds in OpenMetrics', () => {
    const fams: MetricFamily[] = [{ name: 'm', type: 'gauge', samples: [sample({ __name__: 'm' }, 1, 1520879607789), sample({ __name__: 'm' }, 2, 1520879607000)] }];
    expect(writeText(fams)).to.equal('# TYPE m gauge\nm 1 1520879607789\nm 2 1520879607000\n');
    expect(writeText(fams, 'openmetrics')).to.equal('# TYPE m gauge\nm 1 1520879607.789\nm 2 1520879607\n# EOF\n');
  });

  it('names a counter family without _total in OpenMetrics and writes UNIT', () => {
    const fams: MetricFamily[] = [{ name: 'x_seconds_total', type: 'counter', unit: 'seconds', help: 'X.', samples: [sample({ __name__: 'x_seconds_total' }, 3)] }];
    expect(writeText(fams, 'openmetrics')).to.equal('# HELP x_seconds X.\n# TYPE x_seconds counter\n# UNIT x_seconds seconds\nx_seconds_total 3\n# EOF\n');
  });

  it('writes what parses back to the same families', () => {
    const text = '# HELP h H "x".\n# TYPE h histogram\nh_bucket{a="1\\\\2",le="0.1"} 1\nh_bucket{a="1\\\\2",le="+Inf"} 2\nh_sum{a="1\\\\2"} 0.30000000000000004\nh_count{a="1\\\\2"} 2\n';
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const first = parseAll(format === 'prometheus' ? text : text + '# EOF\n', format);
      const again = parseAll(writeText(first, format), format);
      expect(again.map((f) => [f.name, f.type, f.help, f.samples.map((s) => [s.labels.key, s.value])]))
        .to.deep.equal(first.map((f) => [f.name, f.type, f.help, f.samples.map((s) => [s.labels.key, s.value])]));
    }
  });
});
