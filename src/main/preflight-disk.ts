// Free disk space where Docker keeps the cluster's volumes: on macOS and Windows that is the
// Docker VM's disk, which the host's own `df` does not see. Docker's /info has no free-space
// figure (only some storage drivers report one), so a throwaway container from an image that
// is already here runs `df -Pk /`: its root is an overlay on Docker's data root, the same
// filesystem as the named volumes. Works offline; nothing is pulled. The container carries no
// compose labels (chaos never sees it) and is removed at once.
import type Docker from 'dockerode';

export interface DiskFree {
  freeBytes: number;
  totalBytes: number;
}

/** TiKV and PD data, raft logs and RocksDB compactions of a demo run, with room to spare. */
export const MIN_FREE_BYTES = 5 * 2 ** 30;

/** POSIX `df -Pk` output → the last line's size and available columns. Pure. */
export function parseDfPk(text: string): DiskFree | null {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Filesystem\b/i.test(l));
  const last = lines[lines.length - 1];
  if (!last) return null;
  // Filesystem 1024-blocks Used Available Capacity Mounted-on (the name may contain spaces).
  const m = /(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+\S+$/.exec(last);
  if (!m) return null;
  return { totalBytes: Number(m[1]) * 1024, freeBytes: Number(m[3]) * 1024 };
}

export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** Runs `df -Pk /` in a throwaway container of `image`; rejects when that cannot be done. */
export async function measureDockerDisk(docker: Docker, image: string, timeoutMs = 15_000): Promise<DiskFree> {
  const c = await docker.createContainer({
    Image: image,
    Entrypoint: ['df', '-Pk', '/'],
    Cmd: [],
    Tty: true, // plain text logs, no stream multiplexing
    Labels: { 'tikv-stage.purpose': 'disk-check' },
    HostConfig: { NetworkMode: 'none' }
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = (async () => {
      await c.start();
      const status = (await c.wait()) as { StatusCode?: number };
      const out = (await c.logs({ stdout: true, stderr: true })) as unknown as Buffer;
      const text = Buffer.isBuffer(out) ? out.toString('utf8') : String(out);
      if (status.StatusCode !== 0) throw new Error(`df exited with ${String(status.StatusCode)}: ${text.trim().slice(0, 120)}`);
      const parsed = parseDfPk(text);
      if (!parsed) throw new Error(`unexpected df output: ${text.trim().slice(0, 120)}`);
      return parsed;
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    await c.remove({ force: true }).catch(() => undefined);
  }
}
