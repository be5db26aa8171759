// What a drawn stage reads besides the show, as feeds rather than values: a leaf subscribes to
// the one it shows, so a change renders that leaf and not the stage around it
// (components/stageFeed.tsx). A feed is useSyncExternalStore's pair.
import type { ClusterSnapshot } from '../../../shared/cluster';

/** A value that changes over time, and how to hear that it did. */
export interface Feed<T> {
  subscribe(onChange: () => void): () => void;
  read(): T;
}

export interface StageFeeds {
  cluster: Feed<ClusterSnapshot | null>;
  /** Main's clock (ms), as of the page's last one-second tick. */
  clock: Feed<number>;
}

const never = (): (() => void) => () => undefined;

/** Feeds that never change: a frozen frame, or a preview drawn from given values. Pure. */
export function fixedFeeds(cluster: ClusterSnapshot | null, now: number): StageFeeds {
  return { cluster: { subscribe: never, read: () => cluster }, clock: { subscribe: never, read: () => now } };
}
