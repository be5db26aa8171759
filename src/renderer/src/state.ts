// The page's singletons: the store the views read, and the bridge they send intents through.
import { useStore } from 'zustand';
import { useSyncExternalStore } from 'react';
import type { Reply, RequestArgs, RequestName, RequestResults } from '../../shared/contract';
import type { Bridge } from './lib/bridge';
import { PRESENTER_PHASE_MS, createSecondClock } from './lib/clock';
import { viewFromLocation } from './lib/route';
import { createStageStore, sendRequest, type StageData } from './lib/store';
import { createUiStore, type UiData } from './lib/ui';

/** Which view this page is, from its URL (the audience outside a browser, as in unit tests). */
export const pageView = globalThis.location ? viewFromLocation(globalThis.location) : 'audience';

export const stageStore = createStageStore();
/** What only this page knows: the open tab, a G-jump being typed, keys seen while learning. */
export const uiStore = createUiStore();

let bridge: Bridge | null = null;

export function bindBridge(b: Bridge): void {
  bridge = b;
}

export function useStage<T>(selector: (s: StageData) => T): T {
  return useStore(stageStore, selector);
}

export function useUi<T>(selector: (s: UiData) => T): T {
  return useStore(uiStore, selector);
}

/** A request whose reply the caller shows itself (next to its button), not in the problem list. */
export async function ask<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<Reply<RequestResults[K]>> {
  if (!bridge) return { ok: false, error: 'not connected to the app yet' };
  try {
    return await bridge.api.request(name, ...args);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Fire-and-forget intent; failures land in the store (presenter view shows them). */
export function send<K extends RequestName>(name: K, ...args: RequestArgs<K>): void {
  if (!bridge) return;
  void sendRequest(bridge, stageStore, name, ...args);
}

// One shared one-second clock (lib/clock.ts): it ticks on the second boundary (the presenter
// view half a second later), only while something on the page shows a time, and routine cluster
// snapshots wait for its tick.
export const clock = createSecondClock(
  {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>)
  },
  pageView === 'presenter' ? PRESENTER_PHASE_MS : 0
);

/** Local time, updated once a second. */
export function useNow(): number {
  return useSyncExternalStore(clock.subscribe, clock.read);
}

/** Main's clock now, read once (an event handler's), not followed. */
export function serverNow(): number {
  return Date.now() + stageStore.getState().clockOffsetMs;
}

/** Main's clock (what snapshot and show times are in), updated once a second. */
export function useServerNow(): number {
  const local = useNow();
  const offset = useStage((s) => s.clockOffsetMs);
  return local + offset;
}
