// The page's own state that main never hears about: which presenter tab is open, the G-jump
// being typed, and the keys the key-learning screen saw.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KeySeen } from './keys';

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
}

export type UiStore = StoreApi<UiData>;

export function createUiStore(): UiStore {
  return createStore<UiData>(() => ({ tab: 'live', goto: null, seen: [] }));
}
