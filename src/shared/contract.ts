// The one contract between main and the renderer. Every request and event is declared here
// once; the Electron IPC adapter, the WebSocket adapter, the preload and the renderer all
// derive their channel names and types from it.
import { z } from 'zod';
import type { PreflightReport } from './preflight';
import { requestedFaultSchema } from './actions';
import { KEY_ACTIONS, KEY_MODES, MODIFIER_KEYS, TIMER_COMMANDS, type ActionLogEntry, type RecordingSummary, type ShowState } from './show';
import type { ClusterSnapshot } from './cluster';
import { splitShow, type ShowDeck, type ShowDetails, type ShowPosition } from './show-parts';

export { faultSpecSchema } from './actions';

/** Argument schemas of every request, as tuples. */
export const requestArgs = {
  getState: z.tuple([]),
  next: z.tuple([]),
  prev: z.tuple([]),
  first: z.tuple([]),
  last: z.tuple([]),
  goTo: z.tuple([z.number().int().min(0).max(999)]),
  /** No argument toggles; a boolean sets. */
  blackout: z.tuple([z.boolean().optional()]),
  /** A fault by hand: the majority rule always applies (the deck's opt-in is not accepted here). */
  injectFault: z.tuple([requestedFaultSchema]),
  restoreFault: z.tuple([z.string().min(1).max(100)]),
  restoreAll: z.tuple([]),
  /** Restore every open fault and black out the audience at once. */
  panic: z.tuple([]),
  /**
   * Run the show again: restore every open fault, let the cluster settle, then the first
   * chapter with every beat re-armed (none fires by itself), the timeline, diagnosis, workload
   * history and notices cleared and the talk timer at zero. Rehearsals and key bindings stay.
   */
  resetShow: z.tuple([]),
  /** Freeze the audience screen on its last frame (toggle, or set). */
  freeze: z.tuple([z.boolean().optional()]),
  /** The talk timer: the clicker's start/stop button toggles it. */
  timer: z.tuple([z.enum(TIMER_COMMANDS)]),
  /** Load another deck file (and watch it). */
  openDeck: z.tuple([z.string().min(1).max(4096)]),
  /** Bind a key (KeyboardEvent.key) to an action on the key-learning screen; null unbinds. */
  setKeyBinding: z.tuple([
    z
      .string()
      .min(1)
      .max(32)
      .refine((k) => !MODIFIER_KEYS.includes(k), 'a modifier key (Shift, Control, Alt, Meta…) cannot be bound: it is held down with other keys'),
    z.enum(KEY_ACTIONS).nullable()
  ]),
  /** Start (true) or stop (false) recording a rehearsal. */
  rehearsal: z.tuple([z.boolean()]),
  preflight: z.tuple([]),
  /** Electron only: swap the audience and presenter displays. */
  swapDisplays: z.tuple([]),
  /** Electron only: how main takes the presenter window's keys (see PresenterExtras.keyMode). */
  keyMode: z.tuple([z.enum(KEY_MODES)]),
  /** The show recordings under the data folder, newest first (record and replay). */
  recordings: z.tuple([]),
  /**
   * Switch the show to a recording at the current beat: its path (null = this deck's fallback
   * recording), and whether a damaged one plays up to the damage. Never switches back to live.
   */
  switchToReplay: z.tuple([z.string().min(1).max(4096).nullable(), z.boolean().optional()]),
  /** A view hit an error while drawing and redrew itself: the presenter is told (never the audience). */
  reportViewError: z.tuple([z.enum(['audience', 'presenter']), z.string().min(1).max(300)])
} as const;

export type RequestName = keyof typeof requestArgs;
export type RequestArgs<K extends RequestName> = z.infer<(typeof requestArgs)[K]>;

export interface AppState {
  show: ShowState;
  cluster: ClusterSnapshot;
  log: ActionLogEntry[];
  /** Every chapter in full, for views that put the show together from its parts (show-parts.ts). */
  deck: ShowDeck;
}

/** What each request answers with. */
export interface RequestResults {
  getState: AppState;
  next: ShowState;
  prev: ShowState;
  first: ShowState;
  last: ShowState;
  goTo: ShowState;
  blackout: ShowState;
  injectFault: ShowState;
  restoreFault: ShowState;
  restoreAll: ShowState;
  panic: ShowState;
  resetShow: ShowState;
  freeze: ShowState;
  timer: ShowState;
  openDeck: ShowState;
  setKeyBinding: ShowState;
  rehearsal: ShowState;
  preflight: PreflightReport;
  swapDisplays: ShowState;
  keyMode: ShowState;
  recordings: RecordingSummary[];
  switchToReplay: ShowState;
  reportViewError: null;
}

/**
 * Events pushed from main to every view, each only when it changed. The show travels in three
 * parts (src/shared/show-parts.ts): a key press sends only the small `position`.
 */
export interface EventPayloads {
  deck: ShowDeck;
  position: ShowPosition;
  details: ShowDetails;
  cluster: ClusterSnapshot;
  /** The whole action log (a fresh view). */
  log: ActionLogEntry[];
  /** One new line of the action log, to append (so a key press does not resend the log). */
  logEntry: ActionLogEntry;
}
export type EventName = keyof EventPayloads;

export const REQUEST_NAMES = Object.keys(requestArgs) as RequestName[];
/** In the order a fresh view needs them: the deck before a position in it. */
export const EVENT_NAMES: readonly EventName[] = ['deck', 'position', 'details', 'cluster', 'log', 'logEntry'];

export type StateEvent = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

/** The views a page can be. */
export type ViewName = 'audience' | 'presenter';

/**
 * Whether `view` is sent `event`. The audience never shows the action log and keeps none, so it
 * is not sent it (1–4 lines a key press); the presenter, and a script, get every event.
 */
export function viewWants(view: ViewName, event: EventName): boolean {
  return view === 'presenter' || (event !== 'log' && event !== 'logEntry');
}

/** The WebSocket's query for a view that is not sent everything: `/ws?view=audience`. */
export const WS_VIEW_PARAM = 'view';

/** The whole state as the events a fresh view needs, in EVENT_NAMES order. */
export function stateEvents(s: AppState): StateEvent[] {
  const { position, details } = splitShow(s.show);
  return [
    { event: 'deck', payload: s.deck },
    { event: 'position', payload: position },
    { event: 'details', payload: details },
    { event: 'cluster', payload: s.cluster },
    { event: 'log', payload: s.log }
  ];
}

/** Errors cross the bridge as data, never as thrown class instances. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/** A reply without its value: what `act` answers (the error, if any, stays whole). */
export function ackOf(r: Reply<unknown>): Reply<null> {
  return r.ok ? { ok: true, value: null } : { ok: false, error: r.error };
}

export const requestChannel = (name: RequestName): string => `tikv-stage:request:${name}`;
/** `act`'s channel: the same request, answered by `ackOf`. */
export const actChannel = (name: RequestName): string => `tikv-stage:act:${name}`;
export const eventChannel = (name: EventName): string => `tikv-stage:event:${name}`;

/** The API the page gets: in Electron from the preload, in a browser from the WebSocket client. */
export interface StageApi {
  request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<Reply<RequestResults[K]>>;
  /**
   * The same request, answered only with whether it worked. A view's moves use it: most
   * requests answer with the whole ShowState (3-5 KB, the current and next chapters in full),
   * which a view that follows the events never reads, and a key press should not carry.
   */
  act<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<Reply<null>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** What serves every request: the composition root builds one, each transport runs it. */
export type Handlers = {
  [K in RequestName]: (...args: RequestArgs<K>) => Promise<RequestResults[K]>;
};

export function isRequestName(x: unknown): x is RequestName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(requestArgs, x);
}

/** Validates a request's arguments; the error names the request and what was wrong. */
export function parseRequest<K extends RequestName>(
  name: K,
  args: unknown
): { ok: true; args: RequestArgs<K> } | { ok: false; error: string } {
  const r = requestArgs[name].safeParse(args);
  if (r.success) return { ok: true, args: r.data as RequestArgs<K> };
  const why = r.error.issues
    .map((i) => (i.path.length ? `argument ${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  return { ok: false, error: `bad arguments for "${name}": ${why}` };
}

/** Browser mode's WebSocket frames. */
export const wsClientFrame = z.strictObject({
  id: z.number().int().nonnegative(),
  request: z.string().max(64),
  args: z.array(z.unknown()).max(8),
  /** true: answer only ok or the error, with `value: null` (StageApi.act). */
  ack: z.literal(true).optional()
});
export type WsClientFrame = z.infer<typeof wsClientFrame>;

export type WsServerFrame =
  | { type: 'reply'; id: number; reply: Reply<unknown> }
  | { type: 'event'; event: EventName; payload: unknown };
