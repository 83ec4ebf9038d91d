/** Templates render as Prometheus's Go text/template does: number formatting, humanize*, control flow, errors. */
import { expect } from 'chai';
import { expandAlertTemplate, formatFloat, formatGoFloat, humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp, sprintf, parseTemplate, TemplateError } from '@hlmon/rules';

const data = { labels: { instance: 'nas:9100', job: 'node', mountpoint: '/data' }, externalLabels: { site: 'home' }, externalURL: 'http://hlmon.lan:9800', value: 1727700 };
const render = (t: string, value = data.value) => expandAlertTemplate(t, 'test', { ...data, value });

describe('Go number formatting', () => {
  // Expected strings are what Go's fmt prints for float64 (%v is strconv 'g' with the shortest digits).
  const goV: [number, string][] = [
    [1727700, '1.7277e+06'], [100000, '100000'], [1e6, '1e+06'], [123456, '123456'], [0.0001, '0.0001'], [0.00001, '1e-05'],
    [1.5, '1.5'], [0, '0'], [-2.5, '-2.5'], [1 / 3, '0.3333333333333333'], [1e21, '1e+21'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'],
  ];
  for (const [v, s] of goV) it(`prints ${v} as Go's %v does: ${s}`, () => expect(formatGoFloat(v)).to.equal(s));

  it('rounds %.4g half to even on the exact binary value as Go does', () => {
    expect(formatFloat(1234.5, 'g', 4)).to.equal('1234');
    expect(formatFloat(1235.5, 'g', 4)).to.equal('1236');
    expect(formatFloat(123456, 'g', 4)).to.equal('1.235e+05');
    expect(formatFloat(0, 'g', 4)).to.equal('0');
  });

  it('formats %f with exact decimal rounding (1.005 is below half)', () => {
    expect(formatFloat(1.005, 'f', 2)).to.equal('1.00');
    expect(formatFloat(2.5, 'f', 0)).to.equal('2');
    expect(formatFloat(0.125, 'f', 2)).to.equal('0.12');
  });

  it('supports printf verbs with width, precision and flags, and marks wrong types as Go does', () => {
    expect(sprintf('%.2f|%5.1f|%-4d|%05d|%s|%q|%v|%g|%e|%%', [3.14159, 3.14159, 7n, 42n, 'a', 'b', 1.5, 2, 1234.5])).to.equal('3.14|  3.1|7   |00042|a|"b"|1.5|2|1.234500e+03|%');
    expect(sprintf('%d', [1.5])).to.equal('%!d(float64=1.5)');
    expect(sprintf('%s %s', ['x'])).to.equal('x %!s(MISSING)');
  });
});

describe('humanize functions', () => {
  const cases: [string, (v: unknown) => string, unknown, string][] = [
    ['humanize', humanize, 1234567, '1.235M'], ['humanize', humanize, 0.00123, '1.23m'], ['humanize', humanize, 0, '0'], ['humanize', humanize, 999, '999'],
    ['humanize', humanize, '2048', '2.048k'],
    ['humanize1024', humanize1024, 1048576, '1Mi'], ['humanize1024', humanize1024, 1536, '1.5ki'], ['humanize1024', humanize1024, 0.5, '0.5'],
    ['humanizeDuration', humanizeDuration, 3725.5, '1h 2m 5s'], ['humanizeDuration', humanizeDuration, 90061, '1d 1h 1m 1s'], ['humanizeDuration', humanizeDuration, 0.0012, '1.2ms'],
    ['humanizeDuration', humanizeDuration, 0, '0s'], ['humanizeDuration', humanizeDuration, 59.5, '59.5s'], ['humanizeDuration', humanizeDuration, -65, '-1m 5s'],
    ['humanizePercentage', humanizePercentage, 0.1234, '12.34%'], ['humanizePercentage', humanizePercentage, 0.05, '5%'],
    ['humanizeTimestamp', humanizeTimestamp, 1700000000, '2023-11-14 22:13:20 +0000 UTC'], ['humanizeTimestamp', humanizeTimestamp, 1.5, '1970-01-01 00:00:01.5 +0000 UTC'], ['humanizeTimestamp', humanizeTimestamp, 0.123456, '1970-01-01 00:00:00.123 +0000 UTC'],
  ];
  for (const [name, fn, input, want] of cases) it(`${name}(${String(input)}) is ${want}`, () => expect(fn(input)).to.equal(want));

  it('rejects a string that is not a number, naming it', () => {
    expect(() => humanize('abc')).to.throw('strconv.ParseFloat: parsing "abc": invalid syntax');
  });
});

describe('alert templates', () => {
  const cases: [string, string][] = [
    ['{{ $value }}', '1.7277e+06'],
    ['{{ .Value }} {{ .Labels.job }}', '1.7277e+06 node'],
    ['{{ $labels.instance }} is down ({{ $labels.nosuch }})', 'nas:9100 is down ()'],
    ['{{ $externalLabels.site }} {{ $externalURL }}', 'home http://hlmon.lan:9800'],
    ['{{ printf "%.2f" $value }}', '1727700.00'],
    ['{{ humanize $value }} {{ $value | humanize1024 }}', '1.728M 1.648Mi'],
    ['{{ "disk full" | title }} {{ toUpper "a" }} {{ toLower "B" }}', 'Disk Full A b'],
    ['{{ if gt $value 1000.0 }}big{{ else }}small{{ end }}', 'big'],
    ['{{ if eq $labels.job "x" }}a{{ else if eq $labels.job "node" }}b{{ else }}c{{ end }}', 'b'],
    ['{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}', 'instance=nas:9100;job=node;mountpoint=/data;'],
    ['{{ with $labels.mountpoint }}on {{ . }}{{ end }}{{ with $labels.nosuch }}never{{ else }}-{{ end }}', 'on /data-'],
    ['{{ reReplaceAll "(.*):.*" "$1" $labels.instance }} {{ match "^nas" $labels.instance }}', 'nas true'],
    ['{{ len $labels }} {{ index $labels "job" }} {{ not true }} {{ and 1 0 }} {{ or 0 "y" }}', '3 node false 0 y'],
    ['{{- "  a  " -}}  x', '  a  x'],
    ['{{/* a comment */}}ok', 'ok'],
    ['{{ $x := "v" }}{{ $x }}', 'v'],
    ['{{ label "job" (args "x") }}', ''],
  ];
  for (const [t, want] of cases) it(`renders ${t} as ${JSON.stringify(want)}`, async () => expect(await render(t)).to.equal(want));

  it('turns a comparison of float and int into Prometheus\'s error text instead of throwing', async () => {
    expect(await render('{{ if eq $value 0 }}x{{ end }}')).to.equal('<error expanding template: error executing template test: template: test:1: error calling eq: incompatible types for comparison>');
  });

  it('runs query | first | value against the injected query function', async () => {
    const out = await expandAlertTemplate('{{ query "up" | first | value }} {{ with query "up" }}{{ . | first | label "job" }}{{ end }}', 't', data, async (q) => {
      expect(q).to.equal('up');
      return [{ Labels: { __name__: 'up', job: 'node' }, Value: 1 }];
    });
    expect(out).to.equal('1 node');
  });

  it('reports first() on an empty result as Prometheus does', async () => {
    const out = await expandAlertTemplate('{{ query "nothing" | first | value }}', 't', data, async () => []);
    expect(out).to.contain('first() called on vector with no elements');
  });

  it('rejects a template with an unclosed action at parse time', () => {
    expect(() => parseTemplate('{{ $labels.x ', 'n')).to.throw(TemplateError, 'template: n:1: unclosed action');
  });
});
