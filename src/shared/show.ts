// The show as it crosses the bridge: chapters, where we are, what is happening, what happened.
import type { ChapterAction, FaultKind, FaultSpec } from './actions';
import type { Mode } from './cluster';
import { formatDuration } from './duration';

/** Special live content a chapter shows beside its narration. */
export type ChapterPanel = 'none' | 'timeline' | 'diagnosis' | 'workload';

export interface Chapter {
  /** Stable id (slug of the title unless the deck says otherwise). */
  id: string;
  title: string;
  /** Markdown. */
  narration: string;
  /** Presenter notes, plain text or Markdown. Never shown to the audience. */
  notes: string;
  /** What the chapter does when entered (parsed from the deck's action string), or null. */
  action: ChapterAction | null;
  /** Seconds of 3-2-1 countdown before the action runs (0 = none). */
  countdown: number;
  /** Seconds after the action finished (or after entering, with no action) to move on by itself; null = never. */
  autoAdvance: number | null;
  /** The presenter cannot advance while the action is pending or running. */
  blocksAdvance: boolean;
  /** Show the live cluster map on this chapter. */
  map: boolean;
  panel: ChapterPanel;
  /** Planned duration in seconds, for pacing; null when the deck does not say. */
  duration: number | null;
  /** Where the chapter came from, for error messages: file and 1-based line. */
  source: { file: string; line: number } | null;
  /** How the slide is laid out (`layout:`); absent = default. */
  layout?: ChapterLayout;
  /** The `::right::` slot of a two-cols slide (Markdown), or null. */
  right?: string | null;
  /** image-right's picture (`image:`), or null. */
  image?: SlideImage | null;
  /** How many top-level list items `reveal: list` shows one per next press (0 = no reveal). */
  steps?: number;
  /** False when the deck gave no title and none could be read from a heading (the title is a stand-in). */
  titled?: boolean;
}

export const CHAPTER_LAYOUTS = ['default', 'center', 'section', 'two-cols', 'image-right', 'quote'] as const;
export type ChapterLayout = (typeof CHAPTER_LAYOUTS)[number];

/**
 * A picture a slide shows: a file beside the deck (served under /deck-assets/), or a placeholder
 * for one that cannot be shown (a remote URL is never fetched; a missing file is a deck warning).
 */
export type SlideImage = { kind: 'local'; url: string; alt: string } | { kind: 'placeholder'; text: string; alt: string };

/** Where the current chapter's action is. */
/** `armed`: the beat waits for the presenter's first move (a chapter's beat at launch or after a reload). */
export type BeatPhase = 'none' | 'armed' | 'countdown' | 'running' | 'done' | 'failed';

export interface BeatState {
  phase: BeatPhase;
  /** Unix ms when the countdown reaches zero (phase countdown). */
  countdownEndsAt: number | null;
  /** Whole seconds left, as last ticked by main (3, 2, 1). */
  countdownLeft: number | null;
  /** What the action did, in plain words ("killed tikv1"), or why it failed. */
  message: string | null;
}

interface TimelineBase {
  /** Unix ms. */
  at: number;
  /** Node it concerns (tikv1, pd0), if any. */
  node: string | null;
  /** The event in plain words, as main tells it (shown as is, never parsed). */
  text: string;
}

/** Events whose whole story is their kind, node and time. */
export type PlainTimelineKind =
  | 'container-exited'
  | 'container-started'
  | 'pd-disconnected'
  | 'pd-down'
  | 'pd-up'
  | 'restored'
  | 'note';

/** One thing that happened, with the figures that go with it. */
export type TimelineEvent = TimelineBase &
  (
    | { [K in PlainTimelineKind]: { kind: K } }[PlainTimelineKind]
    | { kind: 'fault-injected'; fault: FaultKind }
    /** The store's leaders all moved off: how many it had, and who gained them. */
    | { kind: 'leaders-moved'; from: number; gains: { node: string; gain: number }[] }
    /** Leaders coming back to a store that had none: how many it leads now. */
    | { kind: 'leaders-returned'; count: number; balanced: boolean }
    /** Throughput fell below its baseline (ops/s). */
    | { kind: 'workload-dip'; baselineOps: number; ops: number }
    /** Throughput is back: how deep it fell (%), for how long (ms, cluster time), errors counted. */
    | { kind: 'workload-recovered'; dropPct: number; durationMs: number; errors: number }
  );

export type TimelineKind = TimelineEvent['kind'];

/** What a diagnosis finding is about: `data` (replicas, Raft majority) is the chapter's punchline. */
export type FindingKind = 'hit' | 'leaders' | 'pd' | 'data' | 'quorum' | 'workload' | 'recovery';

/** One finding of the diagnosis: what the audience must read, and why (which may give way). */
export interface Finding {
  kind: FindingKind;
  /** "tikv2 was killed (docker kill, SIGKILL)", without a closing full stop. */
  headline: string;
  /** The explanation, one or more full sentences; '' when the headline says it all. */
  detail: string;
  /** For a finding that waits for something ("Its leaders have not all moved off yet"): the
   *  fault it counts from. The presenter's full text adds " (12 s since the kill)" and keeps it
   *  counting (the stage shows the headline alone), so the number neither freezes between main's
   *  publishes nor makes main publish every second. */
  since?: FindingSince;
}

export interface FindingSince {
  /** When the fault hit, Unix ms on main's clock (what snapshot times are in). */
  at: number;
  /** The fault's noun: "kill", "pause", "exit". */
  what: string;
}

/** The headline as shown at `now` (main's clock, Unix ms): with its live count when it has one
 *  and `now` is known. `timeScale` tells the count in cluster time (a simulator at speed 5
 *  still says "12 s"), as the rest of the diagnosis does. */
export function findingHeadline(f: Finding, now: number | null = null, timeScale = 1): string {
  if (!f.since || now === null) return f.headline;
  const k = Number.isFinite(timeScale) && timeScale > 0 ? timeScale : 1;
  return `${f.headline} (${formatDuration((now - f.since.at) * k)} since the ${f.since.what})`;
}

/** A finding as one paragraph (the presenter's full text, logs), at `now` as findingHeadline. */
export function findingText(f: Finding, now: number | null = null, timeScale = 1): string {
  const head = findingHeadline(f, now, timeScale);
  return f.detail ? `${head}. ${f.detail}` : `${head}.`;
}

export interface FaultRecord {
  id: string;
  spec: FaultSpec;
  /** The node actually hit (the random pick resolved). */
  node: string;
  /** Unix ms. */
  injectedAt: number;
  restoredAt: number | null;
  status: 'open' | 'restored' | 'failed';
  /** Error in plain words when status is failed. */
  error: string | null;
}

export interface ActionLogEntry {
  seq: number;
  /** Unix ms. */
  at: number;
  /** What was asked ("kill tikv1", "restore all", "deck reloaded"). */
  what: string;
  outcome: 'ok' | 'failed' | 'info';
  detail: string | null;
}

export interface ChapterSummary {
  id: string;
  title: string;
  action: ChapterAction | null;
  /** Planned seconds, for pacing; null when the deck does not say. */
  duration: number | null;
}

/** What a key can be bound to on the key-learning screen. */
/** Keys held with others: never bound, and their release does not end a held key. */
export const MODIFIER_KEYS: readonly string[] = ['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'Fn', 'OS'];

export const KEY_ACTIONS = ['next', 'prev', 'first', 'last', 'blackout', 'freeze', 'panic', 'restoreAll', 'timer', 'ignore'] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];

/** The talk timer's commands (the `timer` request). */
export const TIMER_COMMANDS = ['start', 'pause', 'toggle', 'reset'] as const;
export type TimerCommand = (typeof TIMER_COMMANDS)[number];

export interface TalkTimer {
  running: boolean;
  /** Elapsed ms up to `since` (or in total when paused). */
  elapsedMs: number;
  /** Unix ms when the timer last started running; elapsed = elapsedMs + (now - since). */
  since: number | null;
  /** The talk's target duration (sum of the deck's chapter durations), for pacing. */
  targetMs: number | null;
}

/** The talk timer's elapsed time at `now` (main's clock). */
export function timerElapsed(t: TalkTimer, now: number): number {
  return t.elapsedMs + (t.running && t.since !== null ? Math.max(0, now - t.since) : 0);
}

/** What a rehearsal recorded for one chapter, shown as cues next time. */
export interface RehearsalCue {
  /** How long the chapter took in rehearsal. */
  durationMs: number | null;
  /** "leaders move in ~12 s", "PD says Disconnected at ~24 s", "back Up in ~14 s". */
  cues: string[];
}

/** Something wrong in a deck file, where it is: the views format it, they never parse it. */
export interface DeckProblem {
  file: string;
  /** 1-based line in the file; 0 when it concerns the whole file (unreadable, empty). */
  line: number;
  message: string;
}

export interface PresenterExtras {
  /** The audience screen shows its last frame while the presenter view stays live. */
  frozen: boolean;
  timer: TalkTimer;
  /** Errors of the deck file being watched; the last good deck stays. */
  deckErrors: DeckProblem[];
  /** Warnings of the deck in use (a Slidev key this app ignores, a missing image...). */
  deckWarnings?: DeckProblem[];
  rehearsal: { recording: boolean; recordedAt: number | null; cues: Record<string, RehearsalCue> };
  /** Keys the presenter bound on the key-learning screen (KeyboardEvent.key → action). */
  keymap: Record<string, KeyAction>;
  /**
   * How the presenter window's keys are taken in Electron, where main sees them first:
   * `show` drives the show, `capture` lets the key-learning screen record them, `text` lets
   * typing reach a text field (only the clicker's PageDown/PageUp and Shift+Esc act).
   * Only main's shell reads it; it rides here because the shell reads everything from the stage's state.
   */
  keyMode: KeyMode;
  /** The G-jump being typed (digits so far), when main tracks the keys (Electron): in the broadcast
   *  because it is main's only way to the presenter window; the audience ignores it. */
  gotoTyping: string | null;
  /** The show's recording and replay (src/main/replay); absent where the stage does not record. */
  replay?: ReplayExtras;
}

/** A recording on disk, as the presenter view lists it. */
export interface RecordingSummary {
  /** Full path (what the switch request takes) and its file name. */
  path: string;
  file: string;
  /** When the recorded show began (Unix ms), and on what: a real cluster, the simulator. */
  madeAt: number;
  madeIn: 'sim' | 'live' | 'replay';
  deckTitle: string;
}

/** What the presenter view shows about recording and replay: a replay is never passed off as live. */
export interface ReplayExtras {
  /** The recording this show is writing to, or null (a replay is not recorded again). */
  recordingTo: string | null;
  /** The recording playing now (replay mode), with why the presenter must know about it. */
  playing:
    | (RecordingSummary & {
        /** Why the recorded show ran in its mode ("live: Docker answers; PD answers"). */
        madeWhy: string;
        /** Made with another deck: its beats map to this one's by action kind. */
        otherDeck: boolean;
        /** The line where a damaged recording stops playing, or null. */
        damagedAtLine: number | null;
        notes: string[];
      })
    | null;
  /** The recording the presenter can switch to for this deck (newest from a real cluster, else from the simulator). */
  fallback: (RecordingSummary & { level: 'green' | 'amber' }) | null;
  /** Live mode and Docker or PD stopped answering: the view offers the switch (it never switches by itself). */
  liveTrouble: string | null;
}

export const KEY_MODES = ['show', 'capture', 'text'] as const;
export type KeyMode = (typeof KEY_MODES)[number];

export interface ShowState {
  deckTitle: string;
  deckFile: string;
  chapters: ChapterSummary[];
  index: number;
  total: number;
  chapter: Chapter;
  next: Chapter | null;
  beat: BeatState;
  /** How many of the current chapter's reveal items are out (0 … chapter.steps). */
  step?: number;
  /** What the next press shows: the current chapter's next reveal step, else `next` from its start. */
  nextStep?: { sameChapter: boolean; step: number } | null;
  /** False while a blocking action is pending or running. */
  canAdvance: boolean;
  /** Why the presenter cannot advance, in plain words. */
  blockedReason: string | null;
  /** Audience screen blacked out (the presenter view stays live). */
  blackout: boolean;
  mode: Mode;
  /** Why this mode was chosen ("Docker and PD answered", "no Docker engine: ..."). */
  modeReason: string;
  timeline: TimelineEvent[];
  /** The offline, rule-based diagnosis, empty until there is something to explain. */
  diagnosis: Finding[];
  faults: FaultRecord[];
  /** Presenter-only problems (failed chaos step, deck error, PD unreachable) in plain words. */
  notices: string[];
  /** Unix ms of the show's start (first chapter entered). */
  startedAt: number;
  presenter: PresenterExtras;
}

export function defaultPresenterExtras(): PresenterExtras {
  return {
    frozen: false,
    timer: { running: false, elapsedMs: 0, since: null, targetMs: null },
    deckErrors: [],
    rehearsal: { recording: false, recordedAt: null, cues: {} },
    keymap: {},
    keyMode: 'show',
    gotoTyping: null
  };
}
