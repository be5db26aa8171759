// The engine of one PD process among three (the simulator in containers): store heartbeats,
// store liveness and PD leadership come from outside (the TiKV processes' links and the PD
// members' Membership) instead of being scheduled here. Raft elections, PD's schedulers and the
// derived states keep the rules of engine-core.ts. PD's schedulers run only while this process
// is the leader (`scheduling`, set by the caller).
//
// A PD process learns about TiKV processes only through their links: a link that closes
// without a goodbye is a process that died (kill: peers' connections reset at once); a link
// that goes silent is a frozen or cut-off process (peers notice by timeouts only).
import { EngineCore } from './engine-core';
import {
  TIMINGS,
  storeServing,
  type EngineOptions,
  type EngineReplica,
  type ProcState
} from './model';

export class LinkedEngine extends EngineCore {
  constructor(opts: EngineOptions) {
    super(opts);
    // Until the members agree on a leader, there is none, and nobody schedules.
    this.scheduling = false;
    this.pdLeader = null;
  }

  // Heartbeats and PD leadership are told, not made: these hooks have nothing to do.
  protected storeStarted(): void {}
  protected memberDown(): void {}
  protected memberUp(): void {}

  /** A store heartbeat reached this PD: it lands when the store serves and PD has a leader. */
  storeHeartbeat(name: string): void {
    this.landHeartbeat(this.liveStore(name));
  }

  /**
   * A TiKV process (re)linked to this PD. `restarted`: it is a new process (a start after an
   * exit, or a restart this PD did not see): PutStore moves start_timestamp at once, and the
   * store has 0 leaders until balance-leader moves some back. Otherwise the same process is
   * reachable again (unpause, reconnect), and leaders it still holds serve again.
   */
  storeLinked(name: string, startTimestamp: number, restarted: boolean): void {
    const s = this.liveStore(name);
    if (restarted || s.proc === 'exited') {
      if (s.proc !== 'exited') this.exitStore(s);
      s.proc = 'running';
      s.partitioned = false;
      s.stopping = false;
      s.startTimestamp = startTimestamp;
      s.hbToken++;
      this.emit(name);
      return;
    }
    s.startTimestamp = startTimestamp;
    if (s.proc === 'paused' || s.partitioned) {
      s.proc = 'running';
      s.partitioned = false;
      if (storeServing(s)) this.storeBack(s);
      this.emit(name);
    }
  }

  /**
   * The store's link to this PD is gone. 'exit': the process died or said goodbye (kill or the
   * end of a stop). 'timeout': it went silent at wall ms `since` (pause, network cut).
   */
  storeLinkLost(name: string, cause: 'exit' | 'timeout', since: number = this.now): void {
    const s = this.liveStore(name);
    if (cause === 'exit') {
      if (s.proc !== 'exited') this.exitStore(s);
      return;
    }
    if (!storeServing(s)) return;
    s.partitioned = true;
    this.storeUnreachable(s, since);
    this.emit(name);
  }

  /** The PD leader as the PD processes agreed on it (null: none). */
  setPdLeader(name: string | null): void {
    const index = name === null ? -1 : this.members.findIndex((m) => m.name === name);
    this.pdLeader = index < 0 ? null : index;
  }

  /** Whether a PD member answers this process's pings. */
  setMemberAlive(name: string, alive: boolean): void {
    const m = this.members.find((x) => x.name === name);
    if (!m) return;
    const proc: ProcState = alive ? 'running' : 'exited';
    if (m.proc === proc && !m.partitioned) return;
    m.proc = proc;
    m.partitioned = false;
    this.emit(name);
  }

  /** What the PD leader replicates to its followers. */
  exportReplica(): EngineReplica {
    return {
      stores: this.stores
        .filter((s) => !s.tombstone)
        .map((s) => ({
          name: s.name,
          startTimestamp: s.startTimestamp,
          lastHeartbeatNs: s.lastHeartbeatNs.toString(),
          usedBytes: s.usedBytes,
          availableBytes: s.availableBytes
        })),
      regions: this.regions.map((r) => ({ id: r.id, leader: this.stores[r.leader]?.name ?? '', leaderLost: r.leaderLost })),
      maxStoreDownTimeMs: this.maxStoreDownTimeMs,
      scheduleConfig: { ...this.scheduleConfig }
    };
  }

  /**
   * A follower mirrors its leader's region cache and the newest heartbeat facts. Its own view
   * of which stores are alive stays its own: a region whose leader this process sees dead keeps
   * (or gets) a pending election, so that it is ready if it becomes the leader.
   */
  applyReplica(rep: EngineReplica): void {
    for (const rs of rep.stores) {
      const s = this.stores.find((x) => x.name === rs.name && !x.tombstone);
      if (!s) continue;
      let hb: bigint;
      try {
        hb = BigInt(rs.lastHeartbeatNs);
      } catch {
        continue;
      }
      if (hb > s.lastHeartbeatNs) {
        s.lastHeartbeatNs = hb;
        s.usedBytes = rs.usedBytes;
        s.availableBytes = rs.availableBytes;
      }
      if (rs.startTimestamp > s.startTimestamp) s.startTimestamp = rs.startTimestamp;
    }
    for (const rr of rep.regions) {
      const r = this.regions.find((x) => x.id === rr.id);
      const leader = this.stores.find((x) => x.name === rr.leader && !x.tombstone);
      if (!r || !leader) continue;
      if (r.leader !== leader.index || r.leaderLost !== rr.leaderLost) {
        if (r.leader !== leader.index || !rr.leaderLost) r.servingSince = this.now;
        r.leader = leader.index;
        r.leaderLost = rr.leaderLost;
      }
      if (r.electionAt !== null) continue;
      if (r.leaderLost || leader.proc === 'exited') {
        r.leaderLost = true;
        this.scheduleElection(r, TIMINGS.electionMin, TIMINGS.electionMax);
      } else if (!storeServing(leader)) {
        this.scheduleElection(r, TIMINGS.timeoutElectionMin, TIMINGS.timeoutElectionMax);
      }
    }
    if (rep.maxStoreDownTimeMs > 0) this.maxStoreDownTimeMs = rep.maxStoreDownTimeMs;
    for (const [k, v] of Object.entries(rep.scheduleConfig)) {
      if (k in this.scheduleConfig) this.scheduleConfig[k] = v;
    }
  }
}
