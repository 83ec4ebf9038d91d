import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { HostFiles } from '@hlmon/exporter';
import { tempDir } from './helpers.js';

describe('HostFiles', () => {
  it('reads a procfs file again through its kept descriptor and sees new content', () => {
    const files = new HostFiles({ procfs: '/proc', sysfs: '/sys' });
    try {
      const rchar = (): number => Number(/^rchar: (\d+)$/m.exec(files.readText('/proc/self/io'))![1]);
      const first = rchar();
      expect(files.keptCount()).to.equal(1);
      files.readText('/proc/self/maps');
      const second = rchar();
      expect(files.keptCount()).to.equal(2);
      // The bytes read in between (the maps file and the first read itself) must show: a stale re-read would not.
      expect(second).to.be.greaterThan(first);
    } finally {
      files.close();
    }
  });

  it('gives a second readShared in the same scrape the first one\'s text, and reads afresh after a sweep', () => {
    const files = new HostFiles({ procfs: '/proc', sysfs: '/sys' });
    try {
      const first = files.readShared('/proc/self/io');
      files.readText('/proc/self/maps');
      expect(files.readShared('/proc/self/io')).to.equal(first);
      files.sweep();
      // The bytes read in between (maps, and the first read itself) show in the fresh text.
      expect(files.readShared('/proc/self/io')).to.not.equal(first);
    } finally {
      files.close();
    }
  });

  it('closes at a sweep the descriptors not read since the previous sweep', () => {
    const files = new HostFiles({ procfs: '/proc', sysfs: '/sys' });
    try {
      files.readText('/proc/self/stat');
      files.readText('/proc/self/statm');
      files.sweep();
      files.readText('/proc/self/stat');
      files.sweep();
      expect(files.keptCount()).to.equal(1);
    } finally {
      files.close();
    }
  });

  it('opens files of an ordinary directory afresh on every read, so a replaced file is seen', () => {
    const dir = tempDir('host-files');
    const files = new HostFiles({ procfs: dir.path, sysfs: dir.path });
    try {
      writeFileSync(`${dir.path}/loadavg`, 'old\n');
      expect(files.readText(`${dir.path}/loadavg`)).to.equal('old\n');
      writeFileSync(`${dir.path}/loadavg.new`, 'new\n');
      renameSync(`${dir.path}/loadavg.new`, `${dir.path}/loadavg`);
      expect(files.readText(`${dir.path}/loadavg`)).to.equal('new\n');
      expect(files.keptCount()).to.equal(0);
    } finally {
      files.close();
      dir.remove();
    }
  });

  it('reports a kept file that went away with the error of a fresh open, naming the path', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const files = new HostFiles({ procfs: '/proc', sysfs: '/sys' });
    const path = `/proc/${child.pid}/stat`;
    try {
      expect(files.readText(path)).to.contain('(sleep)');
      child.kill('SIGKILL');
      await once(child, 'exit');
      expect(files.readOptional(path)).to.equal(undefined);
      expect(() => files.readText(path)).to.throw(`cannot read ${path}: ENOENT`);
      expect(files.keptCount()).to.equal(0);
    } finally {
      child.kill('SIGKILL');
      files.close();
    }
  });

  it('reads an optional file as soon as it appears after it was found missing', () => {
    const dir = tempDir('host-files');
    const files = new HostFiles({ procfs: dir.path, sysfs: dir.path });
    const path = `${dir.path}/enforce`;
    try {
      expect(files.readOptional(path)).to.equal(undefined);
      files.sweep();
      expect(files.readOptional(path)).to.equal(undefined);
      writeFileSync(path, '1\n');
      expect(files.readOptional(path)).to.equal('1');
      unlinkSync(path);
      expect(files.readOptional(path)).to.equal(undefined);
    } finally {
      files.close();
      dir.remove();
    }
  });

  it('names the path and the reason when a file cannot be read', () => {
    const files = new HostFiles({ procfs: '/proc', sysfs: '/sys' });
    expect(() => files.readText('/proc/no-such-file')).to.throw('cannot read /proc/no-such-file: ENOENT');
  });
});
