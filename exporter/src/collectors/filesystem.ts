/** The filesystem collector: size, free, avail, files, readonly and device_error per mounted filesystem. */
import { statfsSync, type StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** node_exporter 1.5's default `--collector.filesystem.mount-points-exclude`. */
export const DEFAULT_MOUNT_POINTS_EXCLUDE = /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
/** node_exporter 1.5's default `--collector.filesystem.fs-types-exclude`: pseudo filesystems. */
export const DEFAULT_FS_TYPES_EXCLUDE = /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

/**
 * Filesystems whose statfs can block on a server or a user-space daemon. Only these are asked through the
 * thread pool with a timeout; local filesystems answer statfs from memory and are asked synchronously,
 * which saves a thread-pool round trip per mount on every scrape.
 */
const MAY_HANG_FS_TYPES = /^(nfs4?|cifs|smb3|smbfs|ceph|glusterfs|9p|afs|davfs|sshfs|lustre|gpfs|beegfs|fuse(\..*)?|fuseblk)$/;

/** One line of /proc/mounts. */
export interface MountEntry {
  readonly device: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly readOnly: boolean;
}

/** Decodes the octal escapes (\040 for a space) the kernel uses in /proc/mounts. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/mounts text. */
export function parseMounts(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 4) continue;
    mounts.push({
      device: unescapeMount(f[0]!),
      mountPoint: unescapeMount(f[1]!),
      fsType: f[2]!,
      readOnly: f[3]!.split(',').includes('ro'),
    });
  }
  return mounts;
}

/** The filesystem collector definition. */
export const filesystemCollector: CollectorDefinition = {
  name: 'filesystem',
  defaultEnabled: true,
  description: 'Filesystem sizes and inode counts (statfs) for every real mounted filesystem.',
  create(ctx: CollectorContext): Collector {
    // Mount points whose statfs has not returned yet (a hung NFS server): node_exporter stops asking them
    // until the call returns, so one dead mount cannot use up the thread pool scrape after scrape.
    const stuck = new Set<string>();
    const rootfs = ctx.paths.rootfs.replace(/\/+$/, '');
    /** The mounts to report from a mount table's text: excluded ones dropped, duplicates once. */
    const selectMounts = (text: string): MountEntry[] => {
      const seen = new Set<string>();
      // With --path.rootfs, a mount table read from inside a container lists the host's mounts under the
      // rootfs prefix; the label is the host's path, as node_exporter reports it.
      return parseMounts(text).map((m) => (rootfs !== '' && m.mountPoint.startsWith(rootfs + '/')
        ? { ...m, mountPoint: m.mountPoint.slice(rootfs.length) }
        : m.mountPoint === rootfs && rootfs !== '' ? { ...m, mountPoint: '/' } : m)).filter((m) => {
        if (ctx.filesystemMountPointsExclude.test(m.mountPoint) || ctx.filesystemFsTypesExclude.test(m.fsType)) return false;
        const key = `${m.device}\0${m.mountPoint}\0${m.fsType}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    };
    let mountsText: string | undefined;
    // Local filesystems are asked synchronously, those that may hang through the thread pool (see above).
    let local: MountEntry[] = [];
    let remote: MountEntry[] = [];
    return {
      collect(out, signal) {
        // PID 1's mount table is the host's even when the exporter runs in its own mount namespace.
        let text: string;
        try {
          text = ctx.files.readText(`${ctx.paths.procfs}/1/mounts`);
        } catch {
          text = ctx.files.readText(`${ctx.paths.procfs}/mounts`);
        }
        // The mount table is read on every scrape; only when it differs from the previous one is it parsed
        // and filtered again (a string comparison instead of twenty lines of splitting and two regexes each).
        if (text !== mountsText) {
          const mounts = selectMounts(text);
          local = mounts.filter((m) => !MAY_HANG_FS_TYPES.test(m.fsType));
          remote = mounts.filter((m) => MAY_HANG_FS_TYPES.test(m.fsType));
          mountsText = text;
        }
        const write = (results: ReadonlyArray<{ m: MountEntry; stats: StatsFs | undefined }>): void => {
          for (const { m, stats } of results) {
            const labels = { device: m.device, fstype: m.fsType, mountpoint: m.mountPoint };
            out.gauge('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', stats === undefined ? 1 : 0, labels);
            if (stats === undefined) continue;
            out.gauge('node_filesystem_size_bytes', 'Filesystem size in bytes.', stats.blocks * stats.bsize, labels);
            out.gauge('node_filesystem_free_bytes', 'Filesystem free space in bytes.', stats.bfree * stats.bsize, labels);
            out.gauge('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', stats.bavail * stats.bsize, labels);
            out.gauge('node_filesystem_files', 'Filesystem total file nodes.', stats.files, labels);
            out.gauge('node_filesystem_files_free', 'Filesystem total free file nodes.', stats.ffree, labels);
            out.gauge('node_filesystem_readonly', 'Filesystem read-only status.', m.readOnly ? 1 : 0, labels);
          }
        };
        // Local filesystems are answered synchronously; only when a network filesystem is mounted does this
        // collector become asynchronous (and then its duration includes waiting for the thread pool).
        const localResults = local.map((m) => {
          try {
            return { m, stats: statfsSync(rootfs + m.mountPoint) as StatsFs | undefined };
          } catch {
            return { m, stats: undefined };
          }
        });
        if (remote.length === 0) return write(localResults);
        const aborted = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
        return Promise.all(remote.map(async (m) => {
          const path = rootfs + m.mountPoint;
          if (stuck.has(path)) return { m, stats: undefined };
          stuck.add(path);
          // The mount stays in `stuck` until its statfs settles, however long after this scrape that is.
          const call = statfs(path).finally(() => stuck.delete(path));
          call.catch(() => undefined);
          try {
            return { m, stats: await Promise.race([call, aborted]) };
          } catch {
            return { m, stats: undefined };
          }
        })).then((results) => write([...localResults, ...results]));
      },
    };
  },
};
