import { expect } from 'chai';
import { Labels } from '@hlmon/model';
import { expandTemplate, hashmod, parseConfig, relabel, type RelabelConfig } from '@hlmon/scraper';

/** Parses relabel rules from YAML exactly as a config file would. */
function rules(yaml: string): RelabelConfig[] {
  const r = parseConfig(`scrape_configs:\n  - job_name: t\n    relabel_configs:\n${yaml.replace(/^/gm, '      ')}`, 'test.yml', { env: {} });
  if (r.errors) throw new Error(r.errors.map((e) => e.message).join('; '));
  return [...r.config.scrapeConfigs[0]!.relabelConfigs];
}

const base = Labels.from({ __name__: 'm', a: 'foo', b: 'bar', c: 'baz' });

describe('relabeling', () => {
  const cases: [string, string, Record<string, string> | undefined][] = [
    ['replace copies a label by default regex', '- { source_labels: [a], target_label: d }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz', d: 'foo' }],
    ['replace joins source labels with the separator', '- { source_labels: [a, b], separator: "-", target_label: d }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz', d: 'foo-bar' }],
    ['replace leaves labels alone when the regex does not match', '- { source_labels: [a], regex: "x(.*)", target_label: d }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz' }],
    ['replace with an empty result deletes the target', '- { source_labels: [a], regex: "foo", replacement: "", target_label: b }', { __name__: 'm', a: 'foo', c: 'baz' }],
    ['replace expands named groups and ${1}', '- { source_labels: [a], regex: "(?P<first>f)(o+)", replacement: "${first}-${2}", target_label: d }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz', d: 'f-oo' }],
    ['regexes are anchored', '- { source_labels: [a], regex: "o+", target_label: d, replacement: hit }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz' }],
    ['keep drops non-matching series', '- { source_labels: [a], regex: "bar", action: keep }', undefined],
    ['drop drops matching series', '- { source_labels: [a], regex: "f.*", action: drop }', undefined],
    ['keepequal keeps when the target equals the source', '- { source_labels: [a], target_label: b, action: keepequal }', undefined],
    ['dropequal keeps when the target differs', '- { source_labels: [a], target_label: b, action: dropequal }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz' }],
    ['labelmap copies matching names', '- { regex: "(a|b)", replacement: "x_$1", action: labelmap }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz', x_a: 'foo', x_b: 'bar' }],
    ['labeldrop removes matching names', '- { regex: "a|b", action: labeldrop }', { __name__: 'm', c: 'baz' }],
    ['labelkeep keeps only matching names', '- { regex: "__name__|c", action: labelkeep }', { __name__: 'm', c: 'baz' }],
    ['lowercase and uppercase rewrite values', '- { source_labels: [a], target_label: u, action: uppercase }\n- { source_labels: [u], target_label: l, action: lowercase }', { __name__: 'm', a: 'foo', b: 'bar', c: 'baz', u: 'FOO', l: 'foo' }],
  ];
  for (const [name, yaml, want] of cases) {
    it(name, () => {
      const out = relabel(base, rules(yaml));
      expect(out?.toObject()).to.deep.equal(want === undefined ? undefined : Labels.from(want).toObject());
    });
  }

  it('hashmod uses the last 8 bytes of MD5 like Prometheus', () => {
    // md5("baz") = 73feffa4b7f6bb68e44cf984c85f6e88; 0xe44cf984c85f6e88 % 1000 = 976 (Prometheus relabel_test.go).
    expect(hashmod('baz', 1000)).to.equal(976);
    expect(relabel(base, rules('- { source_labels: [c], target_label: d, modulus: 1000, action: hashmod }'))!.get('d')).to.equal('976');
  });

  it('expands $1x as a group named 1x, which is empty, as Go does', () => {
    const m = /^(a)$/.exec('a')!;
    expect(expandTemplate('$1x|${1}x|$$1', m)).to.equal('|ax|$1');
  });
});
