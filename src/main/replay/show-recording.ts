// The stage's side of the recording: every show on a cluster (live or simulated) is recorded
// from boot to close. The stage hands each published snapshot to `recorder`, wraps its action
// runner with withBeatRecording, and this subscribes to the chaos driver's container events.
// A replayed show is not recorded again: a copy of a copy is no backup.
import type { BootedCluster } from '../stage/boot';
import { createRecorder, type Recorder } from './recorder';

export interface ShowRecording {
  recorder: Recorder | null;
  close(reason?: string): void;
}

export interface ShowRecordingOptions {
  dataDir: string;
  cluster: Pick<BootedCluster, 'mode' | 'modeReason' | 'timeScale' | 'workload' | 'driver'>;
  deck: { file: string | null; title: string };
  /** Told once if the recording stops (disk full...): the show goes on. */
  notice(text: string): void;
  log(line: string): void;
}

export function recordShow(opts: ShowRecordingOptions): ShowRecording {
  const { cluster } = opts;
  if (cluster.mode === 'replay') return { recorder: null, close: () => undefined };
  const recorder = createRecorder({
    dataDir: opts.dataDir,
    header: {
      mode: cluster.mode,
      modeReason: cluster.modeReason,
      deck: opts.deck,
      timeScale: cluster.timeScale,
      workload: cluster.workload?.kind ?? null
    },
    onError: opts.notice
  });
  opts.log(`tikv-stage: recording this show to ${recorder.path}`);
  const unwatch = cluster.driver?.watch((p) => recorder.container(p)) ?? null;
  return {
    recorder,
    close(reason) {
      unwatch?.();
      recorder.close(reason);
    }
  };
}
