// The in-process simulator's clock: the wall clock when it starts, then moved by the monotonic
// clock only. A wall clock that steps (NTP, a laptop waking) then neither stalls the cluster (a
// step back: the engine's time never goes backwards) nor makes it replay the gap (a step
// forward), as PD's own timers run on Go's monotonic clock. The stamps the simulated PD answers
// with still read the wall clock: the engine is told both (EngineCore.wallOffsetMs).

/** A clock (ms) that reads `wall()` at the start and then advances with `mono()`. */
export function steadyClock(wall: () => number = Date.now, mono: () => number = () => performance.now()): () => number {
  const wall0 = wall();
  const mono0 = mono();
  return () => wall0 + (mono() - mono0);
}
