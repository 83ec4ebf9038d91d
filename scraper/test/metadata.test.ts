import { expect } from 'chai';
import { TextParser } from '@hlmon/model';
import { MetadataCollector, mergeMetadata, type TargetMetadata } from '@hlmon/scraper';

/** The metadata one exposition gives, collected as the scrape loop does. */
function collect(text: string, format: 'prometheus' | 'openmetrics' = 'prometheus'): TargetMetadata {
  const p = new TextParser(text, format);
  const c = new MetadataCollector();
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind === 'type') c.type(p.metaName(), p.type());
    else if (kind === 'help') c.help(p.metaName(), p.help());
    else if (kind === 'unit') c.unit(p.metaName(), p.unit());
  }
  return c.result();
}

describe('metric metadata', () => {
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
