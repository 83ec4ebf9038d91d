import { expect } from 'chai';
import { ArgsError, parseExporterArgs, parseListenAddress } from '@hlmon/exporter';

function argsError(argv: string[]): ArgsError {
  try {
    parseExporterArgs(argv);
  } catch (err) {
    return err as ArgsError;
  }
  throw new Error('expected an ArgsError');
}

describe('exporter flags', () => {
  it('listens on :9100 on all interfaces by default, like node_exporter', () => {
    const a = parseExporterArgs([]);
    expect([a.listenHost, a.listenPort]).to.deep.equal(['', 9100]);
  });

  it('accepts --web.listen-address in both = and separate-value forms', () => {
    expect(parseExporterArgs(['--web.listen-address=127.0.0.1:9200']).listenPort).to.equal(9200);
    expect(parseExporterArgs(['--web.listen-address', '[::1]:9300']).listenHost).to.equal('::1');
  });

  it('turns --collector.<name> and --no-collector.<name> into collector switches', () => {
    const a = parseExporterArgs(['--collector.systemd', '--no-collector.hwmon']);
    expect(a.options.collectors).to.deep.equal({ systemd: true, hwmon: false });
  });

  it('runs collectors on a worker thread only when --runtime.worker-thread is given', () => {
    expect(parseExporterArgs([]).options.workerThread).to.equal(undefined);
    expect(parseExporterArgs(['--runtime.worker-thread']).options.workerThread).to.equal(true);
  });

  it('rejects an unknown collector and lists the known ones', () => {
    expect(argsError(['--collector.nosuch']).message).to.match(/unknown collector "nosuch"; known collectors: .*cpu/);
  });

  it('rejects an invalid regular expression naming the flag', () => {
    expect(argsError(['--collector.filesystem.fs-types-exclude=(']).message).to.match(/^--collector.filesystem.fs-types-exclude: invalid regular expression/);
  });

  it('parses path flags into host paths', () => {
    const a = parseExporterArgs(['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host']);
    expect(a.options.paths).to.deep.equal({ procfs: '/host/proc', sysfs: '/host/sys', rootfs: '/host' });
  });

  it('parses Go-style durations for timeouts', () => {
    expect(parseExporterArgs(['--collector.docker.timeout=1500ms']).options.docker?.callTimeoutMs).to.equal(1500);
    expect(argsError(['--collector.timeout=5']).message).to.match(/expected a duration/);
  });

  it('rejects a listen address without a port', () => {
    expect(() => parseListenAddress('localhost')).to.throw(ArgsError, /expected host:port/);
  });

  it('rejects an unknown flag', () => {
    expect(argsError(['--web.nope=1']).message).to.equal('unknown flag --web.nope');
  });
});
