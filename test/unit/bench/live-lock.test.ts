// The --live bench's lock: one run per engine at a time; a lock left by a run that is gone is
// taken over; another engine is another lock.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive, takeLiveLock } from '../../../scripts/bench/live-lock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'live-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ENGINE = 'unix:///var/run/docker.sock';

describe('the --live lock', () => {
  it('lets one run in, refuses a second while the first runs, and frees on release', () => {
    const first = takeLiveLock(ENGINE, dir);
    expect(JSON.parse(readFileSync(first.file, 'utf8'))).toMatchObject({ pid: process.pid, engine: ENGINE });
    expect(() => takeLiveLock(ENGINE, dir)).toThrow(new RegExp(`another "npm run bench -- --live" \\(pid ${process.pid}, since .*\\) is measuring on ${ENGINE}`));
    first.release();
    expect(existsSync(first.file)).toBe(false);
    takeLiveLock(ENGINE, dir).release();
  });

  it('takes over a lock whose run is gone, or that is torn', () => {
    const held = takeLiveLock(ENGINE, dir);
    writeFileSync(held.file, JSON.stringify({ pid: 999_999_999, since: 1, engine: ENGINE }));
    const next = takeLiveLock(ENGINE, dir, (pid) => pid !== 999_999_999);
    expect(JSON.parse(readFileSync(next.file, 'utf8')).pid).toBe(process.pid);
    writeFileSync(next.file, '{"pid":');
    const again = takeLiveLock(ENGINE, dir);
    again.release();
  });

  it('does not release a lock another run has taken over since', () => {
    const mine = takeLiveLock(ENGINE, dir);
    writeFileSync(mine.file, JSON.stringify({ pid: process.pid + 1, since: 1, engine: ENGINE }));
    mine.release();
    expect(existsSync(mine.file)).toBe(true);
  });

  it('keeps one lock per engine', () => {
    const a = takeLiveLock(ENGINE, dir);
    const b = takeLiveLock('tcp://10.0.0.5:2375', dir);
    expect(a.file).not.toBe(b.file);
    a.release();
    b.release();
  });

  it('knows a running process from a gone one', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(999_999_999)).toBe(false);
    expect(processAlive(0)).toBe(false);
    expect(processAlive(-1)).toBe(false);
  });
});
