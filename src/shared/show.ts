// The show as it crosses the bridge: chapters, where we are, what is happening, what happened.
import type { FaultSpec } from './actions';
import type { Mode } from './cluster';

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
  /** The deck's action string (see actions.ts), or null. */
  action: string | null;
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
}

/** Where the current chapter's action is. */
export type BeatPhase = 'none' | 'countdown' | 'running' | 'done' | 'failed';

export interface BeatState {
  phase: BeatPhase;
  /** Unix ms when the countdown reaches zero (phase countdown). */
  countdownEndsAt: number | null;
  /** Whole seconds left, as last ticked by main (3, 2, 1). */
  countdownLeft: number | null;
  /** What the action did, in plain words ("killed tikv1"), or why it failed. */
  message: string | null;
}

export type TimelineKind =
  | 'fault-injected'
  | 'container-exited'
  | 'container-started'
  | 'leaders-moved'
  | 'pd-disconnected'
  | 'pd-down'
  | 'pd-up'
  | 'leaders-returned'
  | 'workload-dip'
  | 'workload-recovered'
  | 'restored'
  | 'note';

export interface TimelineEvent {
  /** Unix ms. */
  at: number;
  kind: TimelineKind;
  /** Node it concerns (tikv1, pd0), if any. */
  node: string | null;
  text: string;
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
  action: string | null;
  /** Planned seconds, for pacing; null when the deck does not say. */
  duration: number | null;
}

/** What a key can be bound to on the key-learning screen. */
export type KeyAction = 'next' | 'prev' | 'first' | 'last' | 'blackout' | 'freeze' | 'panic' | 'restoreAll' | 'timer' | 'ignore';
export const KEY_ACTIONS: readonly KeyAction[] = ['next', 'prev', 'first', 'last', 'blackout', 'freeze', 'panic', 'restoreAll', 'timer', 'ignore'];

export interface TalkTimer {
  running: boolean;
  /** Elapsed ms up to `since` (or in total when paused). */
  elapsedMs: number;
  /** Unix ms when the timer last started running; elapsed = elapsedMs + (now - since). */
  since: number | null;
  /** The talk's target duration (sum of the deck's chapter durations), for pacing. */
  targetMs: number | null;
}

/** What a rehearsal recorded for one chapter, shown as cues next time. */
export interface RehearsalCue {
  /** How long the chapter took in rehearsal. */
  durationMs: number | null;
  /** "leaders move in ~12 s", "PD says Disconnected at ~24 s", "back Up in ~14 s". */
  cues: string[];
}

export interface PresenterExtras {
  /** The audience screen shows its last frame while the presenter view stays live. */
  frozen: boolean;
  timer: TalkTimer;
  /** Errors of the deck file being watched (file:line: what is wrong); the last good deck stays. */
  deckErrors: string[];
  rehearsal: { recording: boolean; recordedAt: number | null; cues: Record<string, RehearsalCue> };
  /** Keys the presenter bound on the key-learning screen (KeyboardEvent.key → action). */
  keymap: Record<string, KeyAction>;
  /**
   * How the presenter window's keys are taken in Electron, where main sees them first:
   * `show` drives the show, `capture` lets the key-learning screen record them, `text` lets
   * typing reach a text field (only the clicker's PageDown/PageUp and Shift+Esc act).
   */
  keyMode: KeyMode;
  /** The G-jump being typed (digits so far), when main tracks the keys (Electron). */
  gotoTyping: string | null;
}

export type KeyMode = 'show' | 'capture' | 'text';

export interface ShowState {
  deckTitle: string;
  deckFile: string;
  chapters: ChapterSummary[];
  index: number;
  total: number;
  chapter: Chapter;
  next: Chapter | null;
  beat: BeatState;
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
  /** Lines of the offline, rule-based diagnosis, empty until there is something to explain. */
  diagnosis: string[];
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
