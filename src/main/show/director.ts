// The director: which chapter we are on and where its action is, as a pure state machine.
// `reduce(state, event, now)` returns the next state and the effects to run, as data; the
// runtime (runtime.ts) runs them (timers, the chaos executor). Nothing here reads a clock.
//
// Rules:
// - Entering a chapter whose action has not fired in this show starts its countdown (3, 2, 1),
//   then emits one `run-action`; with countdown 0 it emits it at once (a fault: by Next only). An action fires at most
//   once per show: going back over a fault chapter, or entering it twice, never re-injects.
// - Leaving a chapter during its countdown (prev, or any move) cancels it: the action is not
//   fired and not marked fired, so entering again starts a fresh countdown.
// - A `blocksAdvance` chapter refuses next / last / goTo past it while its action is counting
//   down or running. After done or failed the presenter moves on: a failure is a presenter
//   notice, never a trap. prev is always allowed.
// - autoAdvance moves on N s after the action finished well (or after entering, with no action).
//   It does not fire after a failed action: the presenter decides.
// - Only Next starts a fault. A fault chapter reached any other way (Back, a jump from the
//   chapter list or G, First, Last, autoAdvance) is armed and waits for Next: a stray click on
//   the list, or a deck chaining one in at launch, never kills a node.
// - Restore all, Panic and a reset stand the show down: a countdown under way is stopped (its
//   beat armed again) and a pending autoAdvance dropped, so nothing fires behind them.
// - The index clamps at both ends. A deck reload keeps the position by chapter id, and never
//   fires an action by itself.
// - Only the presenter fires beats: the first chapter's action is `armed` at launch (and the
//   current chapter's after a deck reload), and the presenter's next press starts it instead
//   of moving on. Any other move disarms it; entering it again is a move like any.
// - Reveal steps (`reveal: list`): next shows the current chapter's next list item until all are
//   out, then moves on; prev hides the last one out, then moves back. Coming back into a chapter
//   with prev shows all its items, as Slidev does; any other entry starts with none. The step lives
//   here, so both windows and the presenter's Next preview agree on it.
import { describeTarget, type ChapterAction } from '../../shared/actions';
import { FAULT_WORDS } from '../../shared/vocabulary';
import { defaultPresenterExtras, type BeatState, type Chapter, type PresenterExtras, type ShowState } from '../../shared/show';

export interface DirectorState {
  readonly chapters: readonly Chapter[];
  readonly index: number;
  /** How many of the current chapter's reveal items are out. */
  readonly step: number;
  /** The audience screen is blacked out. */
  readonly blackout: boolean;
  /** Beat per chapter id; a chapter without an entry is at phase none. */
  readonly beats: Readonly<Record<string, BeatState>>;
  /** Ids of chapters whose action has fired in this show (kept in firing order). */
  readonly fired: readonly string[];
  /** Unix ms: the show's start (first chapter entered). */
  readonly startedAt: number;
  /** Unix ms: when the current chapter was entered. */
  readonly enteredAt: number;
  /** Unix ms at which the current chapter moves on by itself, or null. */
  readonly autoAdvanceAt: number | null;
  /** Chapter ids a deck reload changed (old → new): an action's result still finds its chapter. */
  readonly renamed: Readonly<Record<string, string>>;
  /** Chapters whose action was running when the show stood down: its end moves nothing on. */
  readonly stoodDown: readonly string[];
}

export type DirectorEvent =
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'goTo'; index: number }
  /** No `on` toggles; a boolean sets. */
  | { type: 'blackout'; on?: boolean }
  /** Time passed (the runtime's timer): countdowns and autoAdvance are evaluated at `now`. */
  | { type: 'tick' }
  | { type: 'actionStarted'; chapterId: string }
  | { type: 'actionFinished'; chapterId: string; ok: boolean; message: string }
  | { type: 'deckReplaced'; deck: { chapters: readonly Chapter[] } }
  /** Run the show again: the first chapter, every beat re-armed, as at launch (nothing fires). */
  | { type: 'reset' }
  /** Restore all, Panic or a reset: stop a countdown under way and any autoAdvance; `by` names who, for the notice. */
  | { type: 'standDown'; by: string };

export type DirectorEffect =
  /** Run the chapter's action now, and feed actionFinished back. */
  | { type: 'run-action'; chapterId: string; action: ChapterAction }
  /** Send a tick at this Unix ms (a countdown second or an autoAdvance). Stale ticks are harmless. */
  | { type: 'schedule-tick'; at: number }
  /** A chapter was entered (for the action log). */
  | { type: 'entered'; chapterId: string; index: number }
  /** A move was refused; `reason` is in plain words for the presenter. */
  | { type: 'refused'; reason: string }
  /** A presenter-only problem (a failed action), in plain words. */
  | { type: 'notice'; text: string };

export interface Transition {
  state: DirectorState;
  effects: DirectorEffect[];
}

export const IDLE_BEAT: BeatState = Object.freeze({ phase: 'none', countdownEndsAt: null, countdownLeft: null, message: null });

/** Starts the show on the first chapter (which may start a countdown of its own). */
export function createDirector(deck: { chapters: readonly Chapter[] }, now: number): Transition {
  if (deck.chapters.length === 0) throw new Error('a show needs at least one chapter');
  const empty: DirectorState = {
    chapters: deck.chapters,
    index: 0,
    step: 0,
    blackout: false,
    beats: {},
    fired: [],
    startedAt: now,
    enteredAt: now,
    autoAdvanceAt: null,
    renamed: {},
    stoodDown: []
  };
  const fx: DirectorEffect[] = [];
  const state = enter(empty, 0, now, fx, { arm: true });
  return finish(state, fx);
}

export function beatOf(s: DirectorState, chapterId: string): BeatState {
  return s.beats[chapterId] ?? IDLE_BEAT;
}

export function currentChapter(s: DirectorState): Chapter {
  const c = s.chapters[s.index];
  if (!c) throw new Error(`no chapter at index ${s.index}`);
  return c;
}

export function reduce(s: DirectorState, e: DirectorEvent, now: number): Transition {
  const fx: DirectorEffect[] = [];
  let next: DirectorState = s;
  const last = s.chapters.length - 1;
  switch (e.type) {
    case 'next': {
      // An armed beat: the presenter's next press is the go (a jump elsewhere disarms it).
      const here = currentChapter(s);
      if (beatOf(s, here.id).phase === 'armed') next = start(setBeat(s, here.id, IDLE_BEAT), here, now, fx);
      else if (s.step < stepsOf(here)) next = { ...s, step: s.step + 1 };
      else next = move(s, s.index + 1, now, fx);
      break;
    }
    case 'prev':
      if (s.step > 0) next = { ...s, step: s.step - 1 };
      else {
        next = move(s, s.index - 1, now, fx, ARM_FAULTS);
        // Back into a chapter: everything it reveals is out, as when we left it.
        if (next.index !== s.index) next = { ...next, step: stepsOf(currentChapter(next)) };
      }
      break;
    case 'first':
      next = move(s, 0, now, fx, ARM_FAULTS);
      break;
    case 'last':
      next = move(s, last, now, fx, ARM_FAULTS);
      break;
    case 'goTo':
      next = move(s, Number.isFinite(e.index) ? Math.trunc(e.index) : s.index, now, fx, ARM_FAULTS);
      break;
    case 'blackout':
      next = { ...s, blackout: e.on ?? !s.blackout };
      break;
    case 'tick':
      next = tick(s, now, fx);
      break;
    case 'actionStarted': {
      // run-action already set the beat to running; this only repairs a beat left in countdown.
      const id = currentId(s, e.chapterId);
      const b = s.beats[id];
      if (b && b.phase === 'countdown' && s.fired.includes(id)) next = setBeat(s, id, { ...IDLE_BEAT, phase: 'running', message: b.message });
      break;
    }
    case 'actionFinished':
      next = finished(s, currentId(s, e.chapterId), e.ok, e.message, now, fx);
      break;
    case 'deckReplaced':
      next = replaceDeck(s, e.deck.chapters, fx);
      break;
    case 'reset':
      // A fresh show on the same deck: the first chapter's beat is armed, as at launch.
      return createDirector({ chapters: s.chapters }, now);
    case 'standDown':
      next = standDown(s, e.by, fx);
      break;
  }
  return finish(next, fx);
}

/** How many reveal steps a chapter has (0 when it reveals nothing). */
export function stepsOf(c: Chapter): number {
  return Math.max(0, Math.trunc(c.steps ?? 0));
}

/** When the director next needs a tick (countdown second or autoAdvance), or null. */
export function nextWakeAt(s: DirectorState): number | null {
  const ch = s.chapters[s.index];
  const b = ch ? beatOf(s, ch.id) : IDLE_BEAT;
  let at: number | null = null;
  if (b.phase === 'countdown' && b.countdownEndsAt !== null) {
    const left = Math.max(1, b.countdownLeft ?? 1);
    at = b.countdownEndsAt - (left - 1) * 1000;
  }
  if (s.autoAdvanceAt !== null && (at === null || s.autoAdvanceAt < at)) at = s.autoAdvanceAt;
  return at;
}

/** Why the presenter cannot move past chapter i, or null when they can. */
export function blockedReason(s: DirectorState, i: number): string | null {
  const ch = s.chapters[i];
  if (!ch || !ch.blocksAdvance) return null;
  const b = beatOf(s, ch.id);
  const what = actionPhrase(ch.action);
  if (b.phase === 'countdown') return `${what} is counting down (${b.countdownLeft ?? 0} s): wait for it to finish`;
  if (b.phase === 'running') return `waiting for ${what} to finish`;
  return null;
}

/** "the kill of a random TiKV", "the restore", ... for plain-words messages. */
export function actionPhrase(a: ChapterAction | null): string {
  if (a === null) return 'the action';
  switch (a.type) {
    case 'fault':
      return `the ${FAULT_WORDS[a.fault.kind].noun} of ${describeTarget(a.fault.target)}`;
    case 'restore':
      return 'the restore';
    case 'restore-all':
      return 'the restore of every fault';
    case 'start-workload':
      return 'the workload start';
    case 'stop-workload':
      return 'the workload stop';
  }
}

// --- transitions ---------------------------------------------------------------------

function finish(state: DirectorState, fx: DirectorEffect[]): Transition {
  const wake = nextWakeAt(state);
  if (wake !== null) fx.push({ type: 'schedule-tick', at: wake });
  return { state, effects: fx };
}

function setBeat(s: DirectorState, id: string, beat: BeatState): DirectorState {
  return { ...s, beats: { ...s.beats, [id]: beat } };
}

/** Every way into a chapter but Next: a fault chapter reached so waits, armed, for Next. */
const ARM_FAULTS = { armFaults: true } as const;

/** `armFaults`: a fault chapter entered by this move is armed, not started (every move but Next). */
function move(s: DirectorState, target: number, now: number, fx: DirectorEffect[], by: { armFaults?: boolean } = {}): DirectorState {
  const to = Math.min(Math.max(target, 0), s.chapters.length - 1);
  if (to === s.index) return s;
  if (to > s.index) {
    // Leaving forward: the current chapter and every chapter passed over must not be blocking.
    for (let i = s.index; i < to; i++) {
      const reason = blockedReason(s, i);
      if (reason !== null) {
        fx.push({ type: 'refused', reason });
        return s;
      }
    }
  }
  return enter(leave(s), to, now, fx, { armFaults: by.armFaults === true });
}

/** Leaving the current chapter cancels its pending countdown (the action is not fired). */
function leave(s: DirectorState): DirectorState {
  const ch = currentChapter(s);
  const b = beatOf(s, ch.id);
  const out = b.phase === 'countdown' || b.phase === 'armed' ? setBeat(s, ch.id, IDLE_BEAT) : s;
  return { ...out, autoAdvanceAt: null };
}

/** `arm`: every action waits for a press (launch); `armFaults`: a fault does (autoAdvance). */
function enter(s0: DirectorState, index: number, now: number, fx: DirectorEffect[], opts: { arm?: boolean; armFaults?: boolean } = {}): DirectorState {
  const ch = s0.chapters[index];
  if (!ch) return s0;
  let s: DirectorState = { ...s0, index, step: 0, enteredAt: now, autoAdvanceAt: null };
  fx.push({ type: 'entered', chapterId: ch.id, index });
  const beat = beatOf(s, ch.id);
  if (ch.action !== null && !s.fired.includes(ch.id))
    return opts.arm || (opts.armFaults && ch.action.type === 'fault') ? arm(s, ch) : start(s, ch, now, fx);
  if (ch.autoAdvance !== null && (ch.action === null || beat.phase === 'done'))
    s = { ...s, autoAdvanceAt: now + ch.autoAdvance * 1000 };
  return s;
}

/** The beat waits for the presenter's next press. */
function arm(s: DirectorState, ch: Chapter): DirectorState {
  return setBeat(s, ch.id, { ...IDLE_BEAT, phase: 'armed', message: `${actionPhrase(ch.action)} is armed: press Next to start it` });
}

/** Starts a chapter's unfired action: its countdown, or the action at once. */
function start(s: DirectorState, ch: Chapter, now: number, fx: DirectorEffect[]): DirectorState {
  if (ch.action === null) return s;
  if (ch.countdown > 0) {
    return setBeat(s, ch.id, {
      phase: 'countdown',
      countdownEndsAt: now + ch.countdown * 1000,
      countdownLeft: ch.countdown,
      message: null
    });
  }
  return fire(s, ch, ch.action, fx);
}

function fire(s: DirectorState, ch: Chapter, action: ChapterAction, fx: DirectorEffect[]): DirectorState {
  fx.push({ type: 'run-action', chapterId: ch.id, action });
  const out = setBeat(s, ch.id, { ...IDLE_BEAT, phase: 'running', message: `${actionPhrase(ch.action)}: in progress` });
  return { ...out, fired: [...out.fired, ch.id] };
}

function tick(s: DirectorState, now: number, fx: DirectorEffect[]): DirectorState {
  const ch = currentChapter(s);
  const b = beatOf(s, ch.id);
  if (b.phase === 'countdown' && b.countdownEndsAt !== null) {
    if (now >= b.countdownEndsAt) {
      if (ch.action === null) {
        const why = 'the chapter has no action';
        fx.push({ type: 'notice', text: `${ch.title}: ${why}` });
        return setBeat(s, ch.id, { ...IDLE_BEAT, phase: 'failed', message: why });
      }
      return fire(s, ch, ch.action, fx);
    }
    const left = Math.ceil((b.countdownEndsAt - now) / 1000);
    return left === b.countdownLeft ? s : setBeat(s, ch.id, { ...b, countdownLeft: left });
  }
  if (s.autoAdvanceAt !== null && now >= s.autoAdvanceAt) {
    const cleared: DirectorState = { ...s, autoAdvanceAt: null };
    if (s.index >= s.chapters.length - 1) return cleared;
    return move(cleared, s.index + 1, now, fx, ARM_FAULTS);
  }
  return s;
}

/** A chapter's id now, after any deck reloads that renamed it. */
function currentId(s: DirectorState, id: string): string {
  let at = id;
  for (let hops = 0; hops < 64 && s.renamed[at] !== undefined; hops++) at = s.renamed[at]!;
  return at;
}

/**
 * Stops a countdown under way (its beat waits for the presenter again) and any autoAdvance,
 * including the one an action still running would set when it ends.
 */
function standDown(s: DirectorState, by: string, fx: DirectorEffect[]): DirectorState {
  const ch = currentChapter(s);
  const running = Object.keys(s.beats).filter((id) => s.beats[id]?.phase === 'running' && !s.stoodDown.includes(id));
  const out: DirectorState = { ...s, autoAdvanceAt: null, stoodDown: [...s.stoodDown, ...running] };
  if (beatOf(s, ch.id).phase !== 'countdown') return out;
  fx.push({ type: 'notice', text: `${ch.title}: ${by} stopped the countdown; ${actionPhrase(ch.action)} did not fire. Press Next to start it again.` });
  return arm(out, ch);
}

function finished(s: DirectorState, id: string, ok: boolean, message: string, now: number, fx: DirectorEffect[]): DirectorState {
  const ch = s.chapters.find((c) => c.id === id);
  if (!ok) fx.push({ type: 'notice', text: `${ch?.title ?? id}: ${actionPhrase(ch?.action ?? null)} failed: ${message}` });
  if (!ch) return s;
  let out = setBeat(s, id, { ...IDLE_BEAT, phase: ok ? 'done' : 'failed', message });
  const quiet = s.stoodDown.includes(id);
  if (quiet) out = { ...out, stoodDown: s.stoodDown.filter((x) => x !== id) };
  const current = s.chapters[s.index];
  if (ok && !quiet && current?.id === id && ch.autoAdvance !== null) out = { ...out, autoAdvanceAt: now + ch.autoAdvance * 1000 };
  return out;
}

function replaceDeck(s: DirectorState, chapters: readonly Chapter[], fx: DirectorEffect[]): DirectorState {
  if (chapters.length === 0) {
    fx.push({ type: 'notice', text: 'the new deck has no chapters: kept the current one' });
    return s;
  }
  const cur = currentChapter(s);
  const found = chapters.findIndex((c) => c.id === cur.id);
  const index = found >= 0 ? found : Math.min(s.index, chapters.length - 1);
  const here = chapters[index];
  // A fired chapter whose id changed (its title was edited, and the id comes from the title)
  // is still the one that fired: going back to it must not fire again.
  const renamed = renamedChapters(s.chapters, chapters, s.fired);
  const fired = s.fired.map((id) => renamed.get(id) ?? id);
  const oldBeats: Record<string, BeatState> = { ...s.beats };
  for (const [from, to] of renamed) if (s.beats[from]) oldBeats[to] = s.beats[from];
  const stoodDown = s.stoodDown.map((id) => renamed.get(id) ?? id);
  const beats: Record<string, BeatState> = {};
  for (const c of chapters) {
    const b = oldBeats[c.id];
    if (!b) continue;
    // Only the current chapter may keep a pending countdown, and only if it still has an action.
    const keepCountdown = found >= 0 && c.id === cur.id && c.action !== null;
    beats[c.id] = b.phase === 'countdown' && !keepCountdown ? IDLE_BEAT : b;
  }
  const out: DirectorState = {
    ...s,
    chapters,
    index,
    step: here ? Math.min(found >= 0 ? s.step : 0, stepsOf(here)) : 0,
    beats,
    fired,
    renamed: { ...s.renamed, ...Object.fromEntries(renamed) },
    stoodDown,
    autoAdvanceAt: found >= 0 && here?.autoAdvance !== null ? s.autoAdvanceAt : null
  };
  // A reload never fires: the chapter on screen with an action not yet fired waits for the presenter.
  if (here && here.action !== null && !fired.includes(here.id) && beatOf(out, here.id).phase === 'none') return arm(out, here);
  return out;
}

/**
 * Fired chapters that a reloaded deck no longer has by id, mapped to their new ids: a chapter
 * new in this deck with the same action, at the same place, else the only one. A fired chapter
 * that was deleted maps to nothing: a chapter that was there before is never taken for it. Pure.
 */
export function renamedChapters(before: readonly Chapter[], after: readonly Chapter[], fired: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const ids = new Set(after.map((c) => c.id));
  const taken = new Set([...fired.filter((id) => ids.has(id)), ...before.map((c) => c.id)]);
  const key = (c: Chapter | undefined): string | null => (c?.action ? JSON.stringify(c.action) : null);
  for (const id of fired) {
    if (ids.has(id)) continue;
    const i = before.findIndex((c) => c.id === id);
    const k = key(before[i]);
    if (i < 0 || k === null) continue;
    const free = (c: Chapter | undefined): c is Chapter => c !== undefined && !taken.has(c.id) && key(c) === k;
    const same = after[i];
    const alike = after.filter(free);
    const to = free(same) ? same : alike.length === 1 ? alike[0] : undefined;
    if (!to) continue;
    out.set(id, to.id);
    taken.add(to.id);
  }
  return out;
}

// --- the contract's view -------------------------------------------------------------

/** What the director does not own but the contract's ShowState carries (its own types, not restated). */
export type ShowExtras = Pick<ShowState, 'deckTitle' | 'deckFile' | 'mode' | 'modeReason' | 'timeline' | 'diagnosis' | 'faults' | 'notices'> & {
  presenter?: PresenterExtras;
};

/** Builds the ShowState that crosses the bridge. */
export function toShowState(s: DirectorState, extras: ShowExtras): ShowState {
  const chapter = currentChapter(s);
  const reason = blockedReason(s, s.index);
  return {
    deckTitle: extras.deckTitle,
    deckFile: extras.deckFile,
    chapters: s.chapters.map((c) => ({ id: c.id, title: c.title, action: c.action, duration: c.duration })),
    index: s.index,
    total: s.chapters.length,
    chapter,
    next: s.chapters[s.index + 1] ?? null,
    beat: beatOf(s, chapter.id),
    step: s.step,
    // An armed beat: Next starts it here, on the slide as it is.
    nextStep: beatOf(s, chapter.id).phase === 'armed'
      ? { sameChapter: true, step: s.step }
      : s.step < stepsOf(chapter)
        ? { sameChapter: true, step: s.step + 1 }
        : s.chapters[s.index + 1]
          ? { sameChapter: false, step: 0 }
          : null,
    canAdvance: reason === null,
    blockedReason: reason,
    blackout: s.blackout,
    mode: extras.mode,
    modeReason: extras.modeReason,
    timeline: extras.timeline,
    diagnosis: extras.diagnosis,
    faults: extras.faults,
    notices: extras.notices,
    startedAt: s.startedAt,
    presenter: extras.presenter ?? defaultPresenterExtras()
  };
}
