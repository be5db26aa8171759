// The recorder: writes what the views were shown to `<data-dir>/recordings/<deck>--<mode>--<time>.jsonl`.
// One write call per line on a file opened for appending, so a crash loses at most the line
// being written. It never throws into the show: a failed write stops the recording and says so
// once, through onError.
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ClusterSnapshot } from '../../shared/cluster';
import type { NodeProcess } from '../chaos/driver';
import {
  FORMAT_VERSION,
  RECORDINGS_DIR,
  coreOf,
  deckSlug,
  diffCore,
  loadOf,
  recordingFileName,
  type BeatLine,
  type CoreSnapshot,
  type HeaderLine,
  type LoadLine
} from './recording-format';

export interface RecorderHeader {
  mode: HeaderLine['mode'];
  modeReason: string;
  deck: { file: string | null; title: string };
  timeScale: number;
  workload: HeaderLine['workload'];
  replayOf?: string | null;
}

export interface RecorderOptions {
  dataDir: string;
  header: RecorderHeader;
  now?: () => number;
  appVersion?: string;
  /** Told once when the recording stops because a write failed (disk full, folder gone). */
  onError?: (message: string) => void;
}

export interface Recorder {
  readonly path: string;
  snapshot(s: ClusterSnapshot): void;
  container(p: NodeProcess, at?: number): void;
  beat(b: Omit<BeatLine, 'k'>): void;
  /** Writes the end line and closes the file; later calls do nothing. */
  close(reason?: string): void;
  /** Why the recording stopped early, or null. */
  error(): string | null;
  /** Lines written so far (the header included). */
  lines(): number;
}

/**
 * The app's version from package.json, found above this module: out/main in a build (or the
 * packaged app's app.asar), src/main/replay in tests. 'unknown' when there is none.
 */
export function readAppVersion(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'tikv-stage' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; look one folder up
    }
  }
  return 'unknown';
}

/** Lines held back until the header can name the topology (the first snapshot with nodes). */
const PENDING_LIMIT = 200;

export function createRecorder(opts: RecorderOptions): Recorder {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const slug = deckSlug(opts.header.deck.file ?? opts.header.deck.title);
  const dir = join(opts.dataDir, RECORDINGS_DIR);
  const wanted = join(dir, recordingFileName(slug, opts.header.mode, new Date(startedAt)));
  let path = wanted;
  let fd: number | null = null;
  let headerDone = false;
  let closed = false;
  let failure: string | null = null;
  let written = 0;
  let pending: string[] = [];
  let lastCore: CoreSnapshot | null = null;
  let lastLoad: string | null = null;

  const fail = (e: unknown): void => {
    failure = `the show's recording stopped (${path}): ${(e as Error).message}`;
    try {
      if (fd !== null) closeSync(fd);
    } catch {
      // already failing; the first error is the one to tell
    }
    fd = null;
    opts.onError?.(failure);
  };

  /** Never appends to another show's file: two shows started in the same millisecond get -2, -3... */
  const openFresh = (): number => {
    for (let n = 1; ; n++) {
      path = n === 1 ? wanted : wanted.replace(/\.jsonl$/, `-${n}.jsonl`);
      try {
        return openSync(path, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw e;
      }
    }
  };

  const write = (line: string): void => {
    if (failure || closed) return;
    try {
      if (fd === null) {
        mkdirSync(dir, { recursive: true });
        fd = openFresh();
      }
      writeSync(fd, `${line}\n`);
      written++;
    } catch (e) {
      fail(e);
    }
  };

  const header = (topology: HeaderLine['topology']): void => {
    const h: HeaderLine = {
      k: 'header',
      format: FORMAT_VERSION,
      app: 'tikv-stage',
      appVersion: opts.appVersion ?? readAppVersion(),
      t: startedAt,
      mode: opts.header.mode,
      modeReason: opts.header.modeReason,
      deck: { ...opts.header.deck, slug },
      topology,
      timeScale: opts.header.timeScale,
      workload: opts.header.workload,
      ...(opts.header.replayOf ? { replayOf: opts.header.replayOf } : {})
    };
    write(JSON.stringify(h));
    headerDone = true;
    for (const l of pending) write(l);
    pending = [];
  };

  const line = (obj: object): void => {
    const text = JSON.stringify(obj);
    if (headerDone) write(text);
    else if (pending.length < PENDING_LIMIT) pending.push(text);
  };

  return {
    get path() {
      return path;
    },
    snapshot(s) {
      if (closed || failure) return;
      const hasNodes = s.tikv.length + s.pd.length > 0;
      if (!headerDone && !hasNodes) return; // nothing to show yet: the empty map before PD answers
      if (!headerDone) header({ pd: s.pd.map((p) => p.name), tikv: s.tikv.map((n) => n.name) });
      const t = s.now;
      const core = coreOf(s);
      if (!lastCore) {
        line({ k: 'snap', t, s: core });
        lastCore = core;
      } else {
        // The reader's state is the last line written: deltas are always taken against it.
        const d = diffCore(lastCore, core);
        if (d) {
          line({ k: 'delta', t, ...d });
          lastCore = core;
        }
      }
      const load = loadOf(s);
      if (load) {
        // A sample is written when the workload's figure is new (its time moved) or it started/stopped.
        const key = `${load.run}:${s.workload?.current?.t ?? ''}`;
        if (key !== lastLoad) {
          lastLoad = key;
          line({ k: 'load', t: s.workload?.current?.t ?? t, ...load } satisfies LoadLine);
        }
      }
    },
    container(p, at) {
      line({ k: 'container', t: at ?? now(), name: p.name, kind: p.kind, state: p.state, partitioned: p.partitioned });
    },
    beat(b) {
      line({ k: 'beat', ...b });
    },
    close(reason = 'show closed') {
      if (closed) return;
      if (!headerDone && pending.length) header({ pd: [], tikv: [] });
      if (headerDone) write(JSON.stringify({ k: 'end', t: now(), reason }));
      closed = true;
      try {
        if (fd !== null) closeSync(fd);
      } catch {
        // closing is best effort; every line is already on disk
      }
      fd = null;
    },
    error: () => failure,
    lines: () => written
  };
}
