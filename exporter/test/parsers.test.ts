import { expect } from 'chai';
import { loadZoneRule, parsePosixTz, zoneAbbreviation } from '../src/time-zone.js';
import { parseOsRelease } from '../src/collectors/os.js';
import { parseListUnits } from '../src/collectors/systemd.js';
import { parseMounts } from '../src/collectors/filesystem.js';
import { wantsOpenMetrics } from '@hlmon/exporter';

describe('small parsers', () => {
  const zones: Array<[string, string, number, string | undefined]> = [
    ['UTC0', 'UTC', 0, undefined],
    ['CET-1CEST,M3.5.0,M10.5.0/3', 'CET', 3600, 'CEST'],
    ['EST5EDT,M3.2.0,M11.1.0', 'EST', -18000, 'EDT'],
    ['<+0530>-5:30', '+0530', 19800, undefined],
  ];
  for (const [rule, standard, offset, daylight] of zones) {
    it(`reads the POSIX TZ rule ${rule}`, () => {
      expect(parsePosixTz(rule)).to.deep.equal({ standard, standardOffsetSeconds: offset, daylight });
    });
  }

  it('names the daylight abbreviation when the offset is not the standard one', () => {
    const rule = parsePosixTz('CET-1CEST,M3.5.0,M10.5.0/3');
    expect(zoneAbbreviation(rule, 7200)).to.equal('CEST');
    expect(zoneAbbreviation(rule, 3600)).to.equal('CET');
  });

  it('reads the zone rule from the TZif footer of /etc/localtime or a zoneinfo name', () => {
    // Debian's tzdata is installed on the project's machines; Etc/UTC's footer is "UTC0".
    expect(loadZoneRule('Etc/UTC')?.standard).to.equal('UTC');
    expect(loadZoneRule('CET-1CEST,M3.5.0,M10.5.0/3', '/nonexistent')?.daylight).to.equal('CEST');
  });

  it('parses os-release values with and without quotes', () => {
    const f = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n# comment\n');
    expect(Object.fromEntries(f)).to.deep.equal({ PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)', ID: 'debian', VERSION_ID: '12' });
  });

  it('parses systemctl list-units output including failed-unit bullets', () => {
    const units = parseListUnits('● foo.service loaded failed failed Foo\nssh.service loaded active running OpenBSD Secure Shell server\n');
    expect(units).to.deep.equal([{ name: 'foo.service', active: 'failed' }, { name: 'ssh.service', active: 'active' }]);
  });

  it('decodes octal escapes in mount points', () => {
    expect(parseMounts('/dev/sdb1 /mnt/my\\040disk ext4 ro,relatime 0 0\n')).to.deep.equal([
      { device: '/dev/sdb1', mountPoint: '/mnt/my disk', fsType: 'ext4', readOnly: true },
    ]);
  });

  it('prefers the text format unless OpenMetrics has the higher quality', () => {
    expect(wantsOpenMetrics(undefined)).to.equal(false);
    expect(wantsOpenMetrics('text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5')).to.equal(false);
    expect(wantsOpenMetrics('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')).to.equal(true);
  });
});
