// One `--live` bench at a time per Docker engine: the project name is fixed (so that a run can
// remove what an interrupted one left), and a second run would take the first one's cluster down
// mid-measure. A lock file in the temp folder names the run's pid; a lock whose process is gone
// is stale and taken over.
import { createHash } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LiveLock {
  file: string;
  release(): void;
}

interface Holder {
  pid: number;
  since: number;
  engine: string;
}

/** Whether a process with this pid runs (one we may not signal runs too). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' ? { pid: h.pid, since: Number(h.since) || 0, engine: String(h.engine ?? '') } : null;
  } catch {
    return null; // gone meanwhile, or torn: either way nobody holds it
  }
}

/** Takes the lock for `engine`, or throws saying who holds it. */
export function takeLiveLock(engine: string, dir = tmpdir(), alive: (pid: number) => boolean = processAlive): LiveLock {
  const file = join(dir, `tikv-stage-bench-live-${createHash('sha256').update(engine).digest('hex').slice(0, 12)}.lock`);
  const me: Holder = { pid: process.pid, since: Date.now(), engine };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return {
        file,
        release() {
          if (readHolder(file)?.pid === me.pid) unlinkSync(file);
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(file);
    if (holder && alive(holder.pid))
      throw new Error(
        `another "npm run bench -- --live" (pid ${holder.pid}, since ${new Date(holder.since).toISOString()}) is measuring on ${engine}; ` +
          `wait for it to finish, or stop it (its lock: ${file})`
      );
    try {
      unlinkSync(file); // stale: its run is gone
    } catch {
      /* another run took it over first: the next attempt says so */
    }
  }
  throw new Error(`could not take the --live lock ${file}`);
}
