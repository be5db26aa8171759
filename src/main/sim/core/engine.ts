// The whole cluster in one engine (the in-app simulator, and the standalone server): every
// store heartbeats on its own schedule, and PD's leader is elected here among the three
// members, as etcd would. The rules shared with the per-container PD are in engine-core.ts.
import { EngineCore, type MemberDownCause } from './engine-core';
import { TIMINGS, memberAlive, type EngineOptions, type MemberState, type StoreState } from './model';

export class SimEngine extends EngineCore {
  private pdElectionAt: number | null = null;
  private pdElectionToken = 0;
  /** A leader that vanished by pause/partition (not by exit): it may resume before the vote. */
  private pdFormerLeader: number | null = null;

  constructor(opts: EngineOptions) {
    super(opts);
    this.lastHeartbeatAtStart.forEach((lastHb, index) => {
      const store = this.stores[index];
      if (store) this.schedule(lastHb + this.d(TIMINGS.storeHeartbeat), () => this.heartbeat(store, store.hbToken));
    });
  }

  // --- TiKV heartbeats -----------------------------------------------------------------------

  protected storeStarted(s: StoreState, token: number): void {
    const first = this.now + this.d(TIMINGS.firstHeartbeat + this.rng.uniform(0, TIMINGS.firstHeartbeatJitter));
    this.schedule(first, () => this.heartbeat(s, token));
  }

  private heartbeat(s: StoreState, token: number): void {
    if (token !== s.hbToken || s.proc === 'exited') return;
    this.landHeartbeat(s);
    const every = this.d(TIMINGS.storeHeartbeat);
    this.schedule(this.catchUp(this.now + every, every), () => this.heartbeat(s, token));
  }

  // --- PD members --------------------------------------------------------------------------

  private hasQuorum(): boolean {
    return this.members.filter(memberAlive).length * 2 > this.members.length;
  }

  protected memberDown(m: MemberState, cause: MemberDownCause): void {
    if (this.pdLeader === m.index) {
      this.pdLeader = null;
      this.pdFormerLeader = cause === 'timeout' ? m.index : null;
      const [lo, hi] =
        cause === 'resign' ? [TIMINGS.pdResignMin, TIMINGS.pdResignMax] : [TIMINGS.pdElectionMin, TIMINGS.pdElectionMax];
      this.schedulePdElection(lo, hi);
    }
    if (!this.hasQuorum()) {
      // The leader steps down without a quorum; nobody can be elected.
      this.pdLeader = null;
      this.pdElectionAt = null;
      this.pdElectionToken++;
    }
  }

  protected memberUp(m: MemberState): void {
    if (this.pdLeader !== null) return;
    if (this.pdElectionAt !== null && this.pdFormerLeader === m.index) {
      // Back before the others' election finished: its lease still holds.
      this.pdLeader = m.index;
      this.pdFormerLeader = null;
      this.pdElectionAt = null;
      this.pdElectionToken++;
      return;
    }
    // A restarted member rejoins as a follower; a regained quorum elects a leader.
    if (this.pdElectionAt === null && this.hasQuorum()) {
      this.schedulePdElection(TIMINGS.pdElectionMin, TIMINGS.pdElectionMax);
    }
  }

  private schedulePdElection(minMs: number, maxMs: number): void {
    if (!this.hasQuorum()) return;
    const at = this.now + this.d(this.rng.uniform(minMs, maxMs));
    if (this.pdElectionAt !== null && this.pdElectionAt <= at) return;
    this.pdElectionAt = at;
    const token = ++this.pdElectionToken;
    this.schedule(at, () => {
      if (token !== this.pdElectionToken) return;
      this.pdElectionAt = null;
      this.pdFormerLeader = null;
      if (this.pdLeader !== null || !this.hasQuorum()) return;
      this.pdLeader = this.rng.pick(this.members.filter(memberAlive)).index;
    });
  }
}
