import { expect } from 'chai';
import { TextParser } from '@hlmon/model';
import { MetadataCollector, mergeMetadata, type TargetMetadata } from '@hlmon/scraper';

/** The metadata one exposition gives, collected as the scrape loop does. */
function collect(text: string, format: 'prometheus' | 'openmetrics' = 'prometheus', previous?: MetadataCollector): TargetMetadata {
  return collector(text, format, previous).result();
}

function collector(text: string, format: 'prometheus' | 'openmetrics' = 'prometheus', previous?: MetadataCollector): MetadataCollector {
  const p = new TextParser(text, format);
  const c = new MetadataCollector(previous);
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind === 'type') c.type(p.metaName(), p.type());
    else if (kind === 'help') c.help(p.metaName(), p.help());
    else if (kind === 'unit') c.unit(p.metaName(), p.unit());
  }
  return c.finish();
}

describe('metric metadata', () => {
  it('follows every change of the metadata lines of a target from one scrape to the next', () => {
    const v1 = '# HELP a First.\n# TYPE a gauge\na 1\n';
    const v2 = '# HELP a Second.\n# TYPE a gauge\na 1\n';
    const v3 = '# HELP a Second.\n# TYPE a gauge\na 1\n# TYPE b counter\nb 1\n';
    const first = collector(v1);
    const same = collector(v1, 'prometheus', first);
    expect(Object.fromEntries(same.result())).to.deep.equal({ a: { type: 'gauge', help: 'First.', unit: '' } });
    const changed = collector(v2, 'prometheus', same);
    expect(Object.fromEntries(changed.result())).to.deep.equal({ a: { type: 'gauge', help: 'Second.', unit: '' } });
    const longer = collector(v3, 'prometheus', changed);
    expect(Object.fromEntries(longer.result())).to.deep.equal({ a: { type: 'gauge', help: 'Second.', unit: '' }, b: { type: 'counter', help: '', unit: '' } });
    expect(Object.fromEntries(collect(v2, 'prometheus', longer))).to.deep.equal({ a: { type: 'gauge', help: 'Second.', unit: '' } });
  });

  it('lists an identical entry of two targets once', () => {
    const text = '# HELP up_seconds Uptime.\n# TYPE up_seconds gauge\nup_seconds 1\n';
    expect(Object.fromEntries(mergeMetadata([collect(text), collect(text)]))).to.deep.equal({
      up_seconds: [{ type: 'gauge', help: 'Uptime.', unit: '' }],
    });
  });

  it('lists every distinct entry of one metric name across targets', () => {
    const a = collect('# HELP requests Requests.\n# TYPE requests counter\nrequests 1\n');
    const b = collect('# HELP requests Requests served.\n# TYPE requests counter\nrequests 1\n');
    expect(mergeMetadata([a, b]).get('requests')).to.deep.equal([
      { type: 'counter', help: 'Requests.', unit: '' },
      { type: 'counter', help: 'Requests served.', unit: '' },
    ]);
  });

  it('calls untyped and HELP-only families unknown, as Prometheus does', () => {
    const md = collect('# TYPE a untyped\na 1\n# HELP b Only help.\nb 2\n');
    expect(Object.fromEntries(md)).to.deep.equal({ a: { type: 'unknown', help: '', unit: '' }, b: { type: 'unknown', help: 'Only help.', unit: '' } });
  });

  it('keeps the unit of an OpenMetrics family', () => {
    const md = collect('# TYPE temp_celsius gauge\n# UNIT temp_celsius celsius\ntemp_celsius 21\n# EOF\n', 'openmetrics');
    expect(md.get('temp_celsius')).to.deep.equal({ type: 'gauge', help: '', unit: 'celsius' });
  });
});
