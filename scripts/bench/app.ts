// The app under test, from outside: built if out/ is stale, started in browser mode as
// `node out/main/web.js`, read through /proc (CPU, RSS) so that nothing is added to the app,
// and asked through its public surfaces (GET /api/state, the /ws requests).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { AppState } from '../../src/shared/contract';

export interface RunningApp {
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when out/ is missing or older than anything in src/ or resources/. */
export function buildIsStale(root: string): boolean {
  const built = [join(root, 'out', 'main', 'web.js'), join(root, 'out', 'renderer', 'index.html')];
  if (!built.every((f) => existsSync(f))) return true;
  const builtAt = Math.min(...built.map((f) => statSync(f).mtimeMs));
  return Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'resources'))) > builtAt;
}

export function buildApp(root: string, log: (line: string) => void): void {
  log('building (src/ is newer than out/) ...');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
}

export async function startApp(root: string, args: string[]): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tikv-stage-bench-'));
  // BENCH_APP_NODE_ARGS reaches the app's node only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, join(root, 'out', 'main', 'web.js'), '--port', '0', '--data-dir', dataDir, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  proc.stderr!.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the app did not start in 30 s:\n${out}`)), 30_000);
    const check = (): void => {
      const m = /audience view (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (!m) return;
      clearTimeout(timer);
      ok(m[1]!);
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the app exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    pid: proc.pid!,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((ok) => proc.once('exit', ok));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((ok) => setTimeout(ok, 6000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

const CLK_TCK = ((): number => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from field 3.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export async function getState(url: string): Promise<AppState> {
  const r = await fetch(`${url}/api/state`);
  if (!r.ok) throw new Error(`GET /api/state: ${r.status}`);
  return (await r.json()) as AppState;
}

export type WsReply = { ok: true; value: unknown } | { ok: false; error: string };

/** One request over a short-lived /ws connection (so the bench is not a view while it measures). */
export async function wsRequest(url: string, request: string, args: unknown[] = [], timeoutMs = 120_000): Promise<WsReply> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  try {
    return await new Promise<WsReply>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`${request}: no reply in ${timeoutMs} ms`)), timeoutMs);
      ws.on('error', (e) => {
        clearTimeout(timer);
        fail(e);
      });
      // The app closes the socket on a frame it refuses (over 64 KB: 1009): say so now, not at the timeout.
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        fail(new Error(`${request}: the app closed the connection without a reply (${code}${reason.length ? ` ${String(reason)}` : ''})`));
      });
      ws.on('open', () => ws.send(JSON.stringify({ id: 1, request, args })));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type?: string; id?: number; reply?: WsReply };
        if (frame.type !== 'reply' || frame.id !== 1 || !frame.reply) return;
        clearTimeout(timer);
        ok(frame.reply);
      });
    });
  } finally {
    ws.terminate();
  }
}
