// PD leadership among PD processes (the simulator in containers), as a pure state machine: the
// caller feeds it the results of its pings to the other members (`observe`) and moves time
// with `tick(now)`; no timers, no I/O. Not etcd's raft, but its visible behaviour:
// - the current leader keeps leading while it is alive and has a quorum;
// - when the leader is lost (its connection refused: killed; or no answer for `deadAfterMs`:
//   frozen or cut off), there is no leader, and after a randomized 3-7 s (scaled) from the
//   refusal, or from the last time it answered, the lowest-named live member takes over with
//   a higher term (the others learn it from their next ping);
// - a leader that comes back before the vote (a short pause) keeps leading;
// - no leader without a quorum of the members (2 of 3); a leader that loses it steps down;
// - a restarted member knows nothing: it asks its peers who leads, and follows;
// - two claims: the higher term wins, then the lower name.
import { TIMINGS } from './model';
import type { Rng } from './rng';

/** What a member says about itself when pinged. */
export interface MemberView {
  name: string;
  leader: string | null;
  term: number;
}

export interface MembershipOptions {
  self: string;
  /** Every member's name, self included. */
  members: readonly string[];
  speed: number;
  now: number;
  rng: Rng;
  /** A member that did not answer for this long (wall ms) is dead. */
  deadAfterMs: number;
  /** Wall ms before the very first election, so that a booting member hears its peers first. */
  bootDelayMs: number;
}

interface PeerInfo {
  lastOk: number | null;
  /** The last ping was refused (nothing listens): dead now, without waiting for a timeout. */
  refused: boolean;
  /** Wall ms of the first refusal in a row (≈ when the process died). */
  refusedAt: number | null;
  view: MemberView | null;
}

export class Membership {
  readonly self: string;
  readonly members: readonly string[];
  leader: string | null = null;
  term = 0;

  private readonly speed: number;
  private readonly rng: Rng;
  private readonly deadAfterMs: number;
  private readonly bootDelayMs: number;
  private readonly peers = new Map<string, PeerInfo>();
  /** Wall ms of the pending vote, or null. */
  private electionAt: number | null;
  /** Candidates that did not claim in time (skipped until a leader is known again). */
  private readonly skip = new Set<string>();
  private lastTick: number;
  /** A leader was known at least once (so this is not the cluster's bootstrap). */
  private everLed = false;

  constructor(opts: MembershipOptions) {
    if (!opts.members.includes(opts.self)) throw new Error(`${opts.self} is not one of ${opts.members.join(',')}`);
    this.self = opts.self;
    this.members = [...opts.members].sort();
    this.speed = opts.speed;
    this.rng = opts.rng;
    this.deadAfterMs = opts.deadAfterMs;
    this.bootDelayMs = opts.bootDelayMs;
    for (const m of this.members) if (m !== this.self) this.peers.set(m, { lastOk: null, refused: false, refusedAt: null, view: null });
    this.electionAt = opts.now + opts.bootDelayMs;
    this.lastTick = opts.now;
  }

  /** Whether `name` answers (self always does). */
  alive(name: string, now: number): boolean {
    if (name === this.self) return true;
    const p = this.peers.get(name);
    return !!p && !p.refused && p.lastOk !== null && now - p.lastOk <= this.deadAfterMs;
  }

  liveMembers(now: number): string[] {
    return this.members.filter((m) => this.alive(m, now));
  }

  hasQuorum(now: number): boolean {
    return this.liveMembers(now).length * 2 > this.members.length;
  }

  isLeader(): boolean {
    return this.leader === this.self;
  }

  view(): MemberView {
    return { name: this.self, leader: this.leader, term: this.term };
  }

  /**
   * The result of a ping to `peer`: its view, or null when it did not answer; `refused` when
   * nothing listens there (a killed process: no need to wait for a timeout).
   */
  observe(peer: string, view: MemberView | null, now: number, refused = false): void {
    const p = this.peers.get(peer);
    if (!p) return;
    if (view === null) {
      if (refused && !p.refused) {
        p.refused = true;
        p.refusedAt = now;
      }
      return;
    }
    p.refused = false;
    p.refusedAt = null;
    p.lastOk = now;
    p.view = view;
    const claimed = view.leader;
    if (claimed === null) return;
    if (view.term > this.term) {
      this.follow(claimed, view.term);
      return;
    }
    if (view.term < this.term) return;
    // Same term.
    if (this.leader === null) {
      // The leader we lost (or never knew) says it still leads: it came back before the vote.
      if (claimed === peer) this.follow(claimed, view.term);
      return;
    }
    if (claimed !== this.leader && claimed < this.leader && (claimed === peer || this.alive(claimed, now))) {
      this.follow(claimed, view.term);
    }
  }

  private follow(leader: string, term: number): void {
    this.leader = leader;
    this.term = term;
    this.electionAt = null;
    this.skip.clear();
    this.everLed = true;
  }

  /** Sim ms -> wall ms. */
  private d(simMs: number): number {
    return simMs / this.speed;
  }

  /** Move to wall time `now`: detect a lost leader, hold votes. */
  tick(now: number): void {
    const gap = now - this.lastTick;
    this.lastTick = now;
    if (gap > this.deadAfterMs) {
      // This process was frozen (docker pause): what it knew is old, not wrong. Give the peers
      // that were alive before the freeze a fresh chance to answer instead of declaring them dead.
      for (const p of this.peers.values()) {
        if (p.lastOk !== null && now - gap - p.lastOk <= this.deadAfterMs) p.lastOk = now;
      }
      return;
    }

    if (this.leader === this.self) {
      if (!this.hasQuorum(now)) {
        // Without a quorum the leader's lease cannot be renewed: step down.
        this.leader = null;
        this.electionAt = null;
      }
    } else if (this.leader !== null) {
      const p = this.peers.get(this.leader);
      const stillClaims = !!p?.view && p.view.leader === this.leader && p.view.term >= this.term;
      if (!this.alive(this.leader, now) || !stillClaims) {
        // A killed leader (refused) is gone since the refusal; a silent one since its last
        // answer (a slow ping must not eat the no-leader window of a kill).
        const since = p?.refused ? (p.refusedAt ?? now) : (p?.lastOk ?? now);
        this.leader = null;
        this.electionAt = Math.max(now, since + this.d(this.rng.uniform(TIMINGS.pdElectionMin, TIMINGS.pdElectionMax)));
      }
    }

    if (this.leader !== null) return;
    if (!this.hasQuorum(now)) {
      this.electionAt = null;
      return;
    }
    if (this.electionAt === null) {
      // A quorum again (or a leader that stepped down): vote after the usual delay; a cluster
      // that never had a leader bootstraps after the short boot delay.
      this.electionAt =
        now + (this.everLed ? this.d(this.rng.uniform(TIMINGS.pdElectionMin, TIMINGS.pdElectionMax)) : this.bootDelayMs);
      return;
    }
    if (now < this.electionAt) return;
    const candidates = this.liveMembers(now).filter((m) => !this.skip.has(m));
    const candidate = candidates[0];
    if (candidate === undefined) {
      this.skip.clear();
      return;
    }
    if (candidate === this.self) {
      let term = this.term;
      for (const p of this.peers.values()) if (p.view && p.view.term > term) term = p.view.term;
      this.follow(this.self, term + 1);
      return;
    }
    // Wait for the candidate to claim; if it does not within an election's time, try the next.
    const patience = this.everLed ? this.d(TIMINGS.pdElectionMax) : Math.max(this.d(TIMINGS.pdElectionMax), this.deadAfterMs * 2);
    if (now > this.electionAt + patience) {
      this.skip.add(candidate);
      this.electionAt = now;
    }
  }
}
