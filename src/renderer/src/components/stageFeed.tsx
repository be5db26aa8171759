// What a drawn stage reads besides the show: the cluster snapshot and main's clock, both as that
// stage sees them (live, frozen while the audience screen is frozen, or the next preview's slower
// copy). They come as feeds (lib/feeds.ts), not values, so nothing renders because a figure or
// the time moved:
// - the map and the workload panel render when what they draw changed, not for a figure
//   (useStageClusterKept);
// - per-second figures and times are painted into their elements (useLivePaint);
// - the stage around them and the page above them render only when the show changes.
import { createContext, useCallback, useContext, useRef, useSyncExternalStore, type JSX, type ReactNode } from 'react';
import type { ClusterSnapshot } from '../../../shared/cluster';
import { fixedFeeds, type StageFeeds } from '../lib/feeds';

const Feeds = createContext<StageFeeds>(fixedFeeds(null, 0));

export function StageFeed({ feeds, children }: { feeds: StageFeeds; children: ReactNode }): JSX.Element {
  return <Feeds.Provider value={feeds}>{children}</Feeds.Provider>;
}

/** The feeds themselves, for a leaf that paints what it shows (useLivePaint). */
export function useStageFeeds(): StageFeeds {
  return useContext(Feeds);
}

/** Main's time, re-rendering every second: only for what shows briefly (a countdown's number). */
export function useStageClock(): number {
  const { clock } = useContext(Feeds);
  return useSyncExternalStore(clock.subscribe, clock.read);
}

/**
 * The cluster, but the one last returned while `same(kept, next)` holds: the caller re-renders
 * only when what it draws changed. `same` must be a stable (module-level) function.
 */
export function useStageClusterKept(same: (kept: ClusterSnapshot, next: ClusterSnapshot) => boolean): ClusterSnapshot | null {
  const { cluster } = useContext(Feeds);
  const kept = useRef<{ feed: unknown; value: ClusterSnapshot | null } | null>(null);
  const read = useCallback((): ClusterSnapshot | null => {
    const next = cluster.read();
    const k = kept.current;
    if (k && k.feed === cluster && (k.value === next || (k.value !== null && next !== null && same(k.value, next)))) return k.value;
    kept.current = { feed: cluster, value: next };
    return next;
  }, [cluster, same]);
  return useSyncExternalStore(cluster.subscribe, read);
}
