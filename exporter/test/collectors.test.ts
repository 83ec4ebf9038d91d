import { expect } from 'chai';
import { ManualClock } from '@hlmon/model';
import { createExporter, MemoryLogger, type Exporter } from '@hlmon/exporter';
import { cpSync, writeFileSync } from 'node:fs';
import { FIXTURES, parseFamilies, sampleValue, tempDir, type ParsedFamily } from './helpers.js';

/** An exporter reading the fixture /proc and /sys (copies of this project's Debian 12 test machine). */
function fixtureExporter(collectors: string[]): Exporter {
  return createExporter({
    disableDefaults: true,
    collectors: Object.fromEntries(collectors.map((c) => [c, true])),
    paths: { procfs: `${FIXTURES}/procfs`, sysfs: `${FIXTURES}/sysfs`, rootfs: '/' },
    clock: new ManualClock(1_700_000_000_000),
    logger: new MemoryLogger(),
    platform: 'linux',
    disableExporterMetrics: true,
  });
}

async function scrape(collectors: string[]): Promise<Map<string, ParsedFamily>> {
  return parseFamilies(await fixtureExporter(collectors).metrics());
}

describe('collectors on fixture /proc and /sys', () => {
  it('cpu reports per-CPU seconds per mode in USER_HZ hundredths', async () => {
    const f = await scrape(['cpu']);
    expect(sampleValue(f, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).to.equal(213.24);
    expect(sampleValue(f, 'node_cpu_seconds_total', { cpu: '1', mode: 'steal' })).to.equal(3.61);
    expect(f.get('node_cpu_seconds_total')!.metrics).to.have.length(16);
    expect(f.get('node_cpu_seconds_total')!.type).to.equal('COUNTER');
  });

  it('meminfo converts kB fields to bytes and keeps unitless fields', async () => {
    const f = await scrape(['meminfo']);
    expect(sampleValue(f, 'node_memory_MemTotal_bytes')).to.equal(24684096 * 1024);
    expect(sampleValue(f, 'node_memory_Active_anon_bytes')).to.equal(41636 * 1024);
    expect(sampleValue(f, 'node_memory_HugePages_Total')).to.equal(0);
  });

  it('loadavg reports the three load averages', async () => {
    const f = await scrape(['loadavg']);
    expect([sampleValue(f, 'node_load1'), sampleValue(f, 'node_load5'), sampleValue(f, 'node_load15')]).to.deep.equal([3.6, 2.07, 1.04]);
  });

  it('diskstats skips loop devices and converts sectors to bytes', async () => {
    const f = await scrape(['diskstats']);
    const devices = f.get('node_disk_read_bytes_total')!.metrics.map((m) => m.labels!.device);
    expect(devices).to.include('vda').and.not.include('loop0');
    expect(f.get('node_disk_io_now')!.type).to.equal('GAUGE');
    expect(Object.keys(f.get('node_disk_info')!.metrics[0]!.labels!).sort()).to.deep.equal(['device', 'major', 'minor', 'model', 'path', 'revision', 'serial', 'wwn']);
  });

  it('pressure reports waiting and stalled seconds from the PSI totals', async () => {
    const f = await scrape(['pressure']);
    expect(sampleValue(f, 'node_pressure_io_waiting_seconds_total')).to.equal(12.957098);
    expect(sampleValue(f, 'node_pressure_io_stalled_seconds_total')).to.equal(11.394227);
    expect(f.has('node_pressure_cpu_stalled_seconds_total')).to.equal(false);
  });

  it('netclass reports up, mtu and info labels for each interface', async () => {
    const f = await scrape(['netclass']);
    expect(sampleValue(f, 'node_network_up', { device: 'eth0' })).to.equal(1);
    expect(sampleValue(f, 'node_network_mtu_bytes', { device: 'eth0' })).to.equal(1400);
    expect(Object.keys(f.get('node_network_info')!.metrics[0]!.labels!).sort()).to.deep.equal(['address', 'broadcast', 'device', 'duplex', 'ifalias', 'operstate']);
  });

  it('netclass re-reads administrative attributes such as mtu only after 30 s, link state every scrape', async () => {
    const dir = tempDir('netclass');
    try {
      cpSync(`${FIXTURES}/sysfs`, dir.path, { recursive: true });
      const clock = new ManualClock(1_700_000_000_000);
      const exporter = createExporter({
        disableDefaults: true, collectors: { netclass: true }, paths: { sysfs: dir.path }, clock, logger: new MemoryLogger(), platform: 'linux', disableExporterMetrics: true,
      });
      await exporter.metrics();
      writeFileSync(`${dir.path}/class/net/eth0/mtu`, '9000\n');
      writeFileSync(`${dir.path}/class/net/eth0/operstate`, 'down\n');
      let f = parseFamilies(await exporter.metrics());
      expect(sampleValue(f, 'node_network_up', { device: 'eth0' })).to.equal(0);
      expect(sampleValue(f, 'node_network_mtu_bytes', { device: 'eth0' })).to.equal(1400);
      clock.advance(30_000);
      f = parseFamilies(await exporter.metrics());
      expect(sampleValue(f, 'node_network_mtu_bytes', { device: 'eth0' })).to.equal(9000);
    } finally {
      dir.remove();
    }
  });

  it('netclass re-reads speed only after the carrier went down and up again', async () => {
    const dir = tempDir('netclass-speed');
    try {
      cpSync(`${FIXTURES}/sysfs`, dir.path, { recursive: true });
      const eth0 = `${dir.path}/class/net/eth0`;
      writeFileSync(`${eth0}/carrier_up_count`, '1\n');
      writeFileSync(`${eth0}/carrier_down_count`, '0\n');
      writeFileSync(`${eth0}/speed`, '1000\n');
      const exporter = createExporter({
        disableDefaults: true, collectors: { netclass: true }, paths: { sysfs: dir.path }, logger: new MemoryLogger(), platform: 'linux', disableExporterMetrics: true,
      });
      await exporter.metrics();
      writeFileSync(`${eth0}/speed`, '10000\n');
      let f = parseFamilies(await exporter.metrics());
      expect(sampleValue(f, 'node_network_speed_bytes', { device: 'eth0' })).to.equal(1000 * 125000);
      writeFileSync(`${eth0}/carrier_down_count`, '1\n');
      writeFileSync(`${eth0}/carrier_up_count`, '2\n');
      f = parseFamilies(await exporter.metrics());
      expect(sampleValue(f, 'node_network_speed_bytes', { device: 'eth0' })).to.equal(10000 * 125000);
      expect(sampleValue(f, 'node_network_carrier_changes_total', { device: 'eth0' })).to.equal(3);
    } finally {
      dir.remove();
    }
  });

  it('hwmon reports temperatures in celsius and fans in rpm with chip and sensor labels', async () => {
    const f = await scrape(['hwmon']);
    expect(sampleValue(f, 'node_hwmon_temp_celsius', { chip: 'coretemp', sensor: 'temp1' })).to.equal(45);
    expect(sampleValue(f, 'node_hwmon_temp_crit_celsius', { sensor: 'temp1' })).to.equal(100);
    expect(sampleValue(f, 'node_hwmon_fan_rpm', { sensor: 'fan1' })).to.equal(1200);
    expect(sampleValue(f, 'node_hwmon_sensor_label', { label: 'Package id 0' })).to.equal(1);
  });

  it('thermal_zone reports zone temperature and cooling device states', async () => {
    const f = await scrape(['thermal_zone']);
    expect(sampleValue(f, 'node_thermal_zone_temp', { type: 'x86_pkg_temp', zone: '0' })).to.equal(52);
    expect(sampleValue(f, 'node_cooling_device_max_state', { name: '0', type: 'Processor' })).to.equal(3);
  });

  it('filesystem excludes pseudo filesystems and reports the root filesystem', async () => {
    const f = await scrape(['filesystem']);
    const mountpoints = f.get('node_filesystem_size_bytes')!.metrics.map((m) => m.labels!.mountpoint);
    expect(mountpoints).to.deep.equal(['/']);
    expect(sampleValue(f, 'node_filesystem_device_error', { mountpoint: '/' })).to.equal(0);
  });

  it('time reports the injected clock', async () => {
    const f = await scrape(['time']);
    expect(sampleValue(f, 'node_time_seconds')).to.equal(1_700_000_000);
  });

  it('filefd and entropy report allocated handles, their maximum and available entropy', async () => {
    const f = await scrape(['filefd', 'entropy']);
    expect(sampleValue(f, 'node_filefd_allocated')).to.equal(1526);
    expect(sampleValue(f, 'node_filefd_maximum')).to.equal(2466183);
    expect(sampleValue(f, 'node_entropy_available_bits')).to.equal(256);
  });

  it('sockstat reports sockets in use and TCP memory in pages and bytes', async () => {
    const f = await scrape(['sockstat']);
    expect(sampleValue(f, 'node_sockstat_sockets_used')).to.equal(57);
    expect(sampleValue(f, 'node_sockstat_TCP_tw')).to.equal(265);
    expect(sampleValue(f, 'node_sockstat_TCP_mem')).to.equal(1117);
    expect(sampleValue(f, 'node_sockstat_TCP_mem_bytes')).to.equal(1117 * 4096);
  });

  it('netstat reports only node_exporter\'s default fields, untyped', async () => {
    const f = await scrape(['netstat']);
    expect(sampleValue(f, 'node_netstat_Tcp_CurrEstab')).to.equal(20);
    expect(sampleValue(f, 'node_netstat_Tcp_InSegs')).to.equal(227947);
    expect(sampleValue(f, 'node_netstat_Ip6_InOctets')).to.equal(128);
    expect(f.get('node_netstat_Tcp_InSegs')!.type).to.equal('UNTYPED');
    expect(f.has('node_netstat_Tcp_RtoMin')).to.equal(false);
  });

  it('arp counts entries per device and softnet decodes the hexadecimal per-CPU counters', async () => {
    const f = await scrape(['arp', 'softnet']);
    expect(sampleValue(f, 'node_arp_entries', { device: 'eth0' })).to.equal(1);
    expect(sampleValue(f, 'node_softnet_dropped_total', { cpu: '0' })).to.equal(0x5674);
    expect(sampleValue(f, 'node_softnet_times_squeezed_total', { cpu: '1' })).to.equal(3);
  });

  it('selinux reports disabled when selinuxfs is not mounted', async () => {
    const f = await scrape(['selinux']);
    expect(sampleValue(f, 'node_selinux_enabled')).to.equal(0);
    expect(f.has('node_selinux_current_mode')).to.equal(false);
  });

  it('reports success and duration for every enabled collector', async () => {
    const f = await scrape(['cpu', 'loadavg']);
    expect(f.get('node_scrape_collector_success')!.metrics.map((m) => [m.labels!.collector, m.value])).to.deep.equal([['cpu', '1'], ['loadavg', '1']]);
    expect(f.get('node_scrape_collector_duration_seconds')!.metrics).to.have.length(2);
  });

  it('the portable collectors (systeminformation, node:os) produce the Linux names', async () => {
    const exporter = createExporter({
      disableDefaults: true, collectors: { cpu: true, meminfo: true, stat: true }, platform: 'darwin', logger: new MemoryLogger(), disableExporterMetrics: true,
    });
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'meminfo' })).to.equal(1);
    expect(sampleValue(f, 'node_memory_MemTotal_bytes')).to.be.greaterThan(0);
    expect(f.get('node_cpu_seconds_total')!.metrics.length).to.be.greaterThan(0);
  });
});
