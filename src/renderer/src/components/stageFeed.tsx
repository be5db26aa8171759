// What a drawn stage reads besides the show: the cluster snapshot and main's clock, both as that
// stage sees them (frozen while the audience screen is frozen; the next preview's follow the
// cluster at a slower pace). They reach the stage's leaves through context, so a cluster tick
// re-renders the map and the workload panel, and the one-second tick the few labels that show a
// time (a countdown's number, "last seen 12 s ago", heartbeat ages), not the stage around them.
import { createContext, useContext, type JSX, type ReactNode } from 'react';
import type { ClusterSnapshot } from '../../../shared/cluster';

const StageClock = createContext(0);
const StageCluster = createContext<ClusterSnapshot | null>(null);

export function StageFeed({ cluster, now, children }: { cluster: ClusterSnapshot | null; now: number; children: ReactNode }): JSX.Element {
  return (
    <StageCluster.Provider value={cluster}>
      <StageClock.Provider value={now}>{children}</StageClock.Provider>
    </StageCluster.Provider>
  );
}

export function useStageClock(): number {
  return useContext(StageClock);
}

export function useStageCluster(): ClusterSnapshot | null {
  return useContext(StageCluster);
}
