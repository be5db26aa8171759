// The page's own state that main never hears about: which presenter tab is open, the G-jump
// being typed, the keys the key-learning screen saw, and the chapter durations learnt so far.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ShowState } from '../../../shared/show';
import type { KeySeen } from './keys';
import { learnDurations, type DurationCache } from './pacing';

export type PresenterTab = 'live' | 'chapters' | 'chaos' | 'preflight' | 'keys' | 'setup';

export const PRESENTER_TABS: readonly { id: PresenterTab; label: string }[] = [
  { id: 'live', label: 'Live' },
  { id: 'chapters', label: 'Chapters' },
  { id: 'chaos', label: 'Chaos' },
  { id: 'preflight', label: 'Preflight' },
  { id: 'keys', label: 'Keys' },
  { id: 'setup', label: 'Deck & rehearsal' }
];

export interface UiData {
  tab: PresenterTab;
  /** Digits of a G-jump being typed (and when the last was typed), or null. */
  goto: { digits: string; at: number } | null;
  /** Newest first. */
  seen: KeySeen[];
  /** Planned durations seen so far, per deck file and chapter id (ShowState.chapters has none). */
  durations: DurationCache;
}

export type UiStore = StoreApi<UiData>;

export function createUiStore(): UiStore {
  return createStore<UiData>(() => ({ tab: 'live', goto: null, seen: [], durations: {} }));
}

/** Remember the durations the show state reveals (current and next chapter). */
export function observeShow(store: UiStore, show: ShowState | null): void {
  if (!show) return;
  const cur = store.getState().durations;
  const next = learnDurations(cur, show);
  if (next !== cur) store.setState({ durations: next });
}
