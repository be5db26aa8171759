// Rehearsal: how long each chapter took and how the cluster behaved (kill → leaders moved →
// Disconnected; restart → Up), recorded once and shown next time as cues. Pure core, plus a
// small JSON store keyed by deck file.
import { z } from 'zod';
import type { RehearsalCue, TimelineEvent } from '../../shared/show';
import { readDataFile, writeDataFile } from '../data-file';

/** When each chapter was entered, in order. */
export interface ChapterVisit {
  chapterId: string;
  at: number;
}

const secs = (ms: number): number => Math.max(1, Math.round(ms / 1000));

/** Cues per chapter, from the visits and the timeline of one rehearsal. Pure. */
export function rehearsalCues(visits: ChapterVisit[], timeline: TimelineEvent[], endedAt: number): Record<string, RehearsalCue> {
  const out: Record<string, RehearsalCue> = {};
  visits.forEach((v, i) => {
    const end = visits[i + 1]?.at ?? endedAt;
    const prev = out[v.chapterId];
    out[v.chapterId] = { durationMs: (prev?.durationMs ?? 0) + Math.max(0, end - v.at), cues: prev?.cues ?? [] };
  });
  const chapterAt = (t: number): string | null => {
    let id: string | null = null;
    for (const v of visits) if (v.at <= t) id = v.chapterId;
    return id;
  };
  const first = (kind: TimelineEvent['kind'], after: number): TimelineEvent | undefined =>
    timeline.find((e) => e.kind === kind && e.at >= after);
  const fault = timeline.find((e) => e.kind === 'fault-injected');
  if (fault) {
    const id = chapterAt(fault.at);
    const cues: string[] = [];
    const moved = first('leaders-moved', fault.at);
    if (moved) cues.push(`leaders move in ~${secs(moved.at - fault.at)} s`);
    const disc = first('pd-disconnected', fault.at);
    if (disc) cues.push(`PD says Disconnected at ~${secs(disc.at - fault.at)} s`);
    const dip = first('workload-dip', fault.at);
    if (dip) cues.push(`throughput dips at ~${secs(dip.at - fault.at)} s`);
    if (id && out[id]) out[id]!.cues.push(...cues);
  }
  const restored = timeline.find((e) => e.kind === 'restored' || e.kind === 'container-started');
  if (restored) {
    const id = chapterAt(restored.at);
    const cues: string[] = [];
    const up = first('pd-up', restored.at);
    if (up) cues.push(`back Up in ~${secs(up.at - restored.at)} s`);
    const back = first('leaders-returned', restored.at);
    if (back) cues.push(`leaders return in ~${secs(back.at - restored.at)} s`);
    if (id && out[id]) out[id]!.cues.push(...cues);
  }
  return out;
}

const storeSchema = z.record(
  z.string(),
  z.object({
    recordedAt: z.number(),
    cues: z.record(z.string(), z.object({ durationMs: z.number().nullable(), cues: z.array(z.string()) }))
  })
);
export type RehearsalStore = z.infer<typeof storeSchema>;

const WHAT = 'The rehearsal records file';

/** The stored rehearsals, and a notice when the file was damaged (and moved aside). */
export function loadRehearsals(path: string): { store: RehearsalStore; notice: string | null } {
  const r = readDataFile(path, storeSchema, WHAT);
  return { store: r.value ?? {}, notice: r.notice };
}

/** The stored rehearsals only; prefer loadRehearsals, which also says when the file was damaged. */
export function readRehearsals(path: string): RehearsalStore {
  return loadRehearsals(path).store;
}

/** Records one deck's rehearsal; returns a notice when a damaged file had to be moved aside. */
export function writeRehearsal(path: string, deckFile: string, recordedAt: number, cues: Record<string, RehearsalCue>): string | null {
  const { store, notice } = loadRehearsals(path);
  store[deckFile] = { recordedAt, cues };
  writeDataFile(path, storeSchema, store, WHAT);
  return notice;
}
