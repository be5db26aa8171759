// The stage's outside: what the entry points (Electron shell, browser mode) pass in and get back.
import type { Mode } from '../../shared/cluster';
import type { AppState, EventName, EventPayloads, Handlers } from '../../shared/contract';
import type { PreflightReport } from '../../shared/preflight';
import type { ChaosDriver } from '../chaos/driver';
import type { AppConfig } from '../config';
import type { Probe } from '../mode';
import type { WorkloadSource } from '../workload/source';

/** How the live mode reaches Docker; injected so that plain-Node tests can leave it out. */
export interface LiveDeps {
  probeDocker(): Promise<Probe>;
  /** A chaos driver for the configured compose project, or an error in plain words. */
  connectDocker(): Promise<{ ok: true; driver: ChaosDriver } | { ok: false; error: string }>;
  /** PD URLs published by the compose project's pd containers (running ones first). */
  discoverPd?(): Promise<string[]>;
  workload?(): WorkloadSource | null;
  /** The preflight board against the live cluster. */
  preflight?(pdUrl: string, openFaults: string[]): Promise<PreflightReport>;
}

export interface StageOptions {
  config: AppConfig;
  /** Where the ledger, key bindings and rehearsals live. */
  dataDir: string;
  /** The built-in deck, used when --deck is not given. */
  builtinDeck: string;
  live?: LiveDeps;
  /** The preflight board for this mode (overrides the live one; tests). */
  preflight?: () => Promise<PreflightReport>;
  /** What only the Electron shell can do. */
  shell?: { swapDisplays(): void };
  log?: (line: string) => void;
}

export type StageListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

export interface Stage {
  mode: Mode;
  modeReason: string;
  pdUrl: string;
  handlers: Handlers;
  state(): AppState;
  /** The G-jump being typed, when the Electron shell tracks the keys. */
  setGotoTyping(digits: string | null): void;
  /** An error nobody caught (the process guard): shown to the presenter; the show goes on. */
  reportError(message: string): void;
  subscribe(listener: StageListener): () => void;
  close(): Promise<void>;
}
