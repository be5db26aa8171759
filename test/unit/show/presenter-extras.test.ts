import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TalkTimer, TimelineEvent } from '../../../src/shared/show';
import { formatDeckError, type Deck, type DeckError } from '../../../src/main/show/deck';
import { watchDeck } from '../../../src/main/show/deck-watch';
import { readRehearsals, rehearsalCues, writeRehearsal } from '../../../src/main/show/rehearsal';
import { timerCommand } from '../../../src/main/show/talk-timer';
import { timerElapsed } from '../../../src/shared/show';

describe('talk timer', () => {
  it('runs, pauses, resumes and resets', () => {
    let t: TalkTimer = { running: false, elapsedMs: 0, since: null, targetMs: 60_000 };
    t = timerCommand(t, 'toggle', 1000);
    expect(timerElapsed(t, 4000)).toBe(3000);
    t = timerCommand(t, 'pause', 5000);
    expect(timerElapsed(t, 99_000)).toBe(4000);
    t = timerCommand(t, 'start', 10_000);
    expect(timerElapsed(t, 11_000)).toBe(5000);
    t = timerCommand(t, 'reset', 12_000);
    expect(timerElapsed(t, 13_000)).toBe(1000);
    expect(t.targetMs).toBe(60_000);
  });
});

describe('rehearsal cues', () => {
  // Only the kinds and times matter to the cues.
  const ev = (at: number, kind: TimelineEvent['kind']): TimelineEvent => ({ at, kind, node: 'tikv1', text: kind }) as TimelineEvent;
  it('records chapter durations and the cluster timings as cues', () => {
    const visits = [
      { chapterId: 'welcome', at: 0 },
      { chapterId: 'fault', at: 30_000 },
      { chapterId: 'recovery', at: 90_000 }
    ];
    const timeline = [
      ev(33_000, 'fault-injected'),
      ev(45_000, 'leaders-moved'),
      ev(57_000, 'pd-disconnected'),
      ev(92_000, 'restored'),
      ev(106_000, 'pd-up'),
      ev(150_000, 'leaders-returned')
    ];
    const cues = rehearsalCues(visits, timeline, 200_000);
    expect(cues.welcome).toEqual({ durationMs: 30_000, cues: [] });
    expect(cues.fault?.cues).toEqual(['leaders move in ~12 s', 'PD says Disconnected at ~24 s']);
    expect(cues.recovery).toEqual({ durationMs: 110_000, cues: ['back Up in ~14 s', 'leaders return in ~58 s'] });
  });
  it('keeps one record per deck on disk', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'reh-')), 'rehearsals.json');
    expect(readRehearsals(path)).toEqual({});
    writeRehearsal(path, '/decks/a.md', 5, { x: { durationMs: 1, cues: ['c'] } });
    writeRehearsal(path, '/decks/b.md', 6, {});
    expect(readRehearsals(path)['/decks/a.md']).toEqual({ recordedAt: 5, cues: { x: { durationMs: 1, cues: ['c'] } } });
    writeFileSync(path, '{broken');
    expect(readRehearsals(path)).toEqual({});
  });
});

describe('deck watcher', () => {
  it('reloads on save (also by rename) and reports a bad deck with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deck-'));
    const file = join(dir, 'talk.md');
    const slide = (title: string, extra = ''): string => `---\ntitle: ${title}\n${extra}---\n\nBody of ${title}.\n`;
    writeFileSync(file, slide('One') + slide('Two'));
    const decks: Deck[] = [];
    const errors: string[][] = [];
    const lines = (e: DeckError[]): string[] => e.map(formatDeckError);
    const w = watchDeck(file, { deck: (d) => decks.push(d), errors: (e) => errors.push(lines(e)) }, 50);
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(file, slide('One') + slide('Two') + slide('Three', 'action: explode\n'));
    const until = async (pred: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await until(() => errors.length > 0);
    expect(errors[0]?.[0]).toMatch(/talk\.md:13: unknown action "explode"/);
    // Editors save by writing a temp file and renaming it over the original.
    writeFileSync(join(dir, 'talk.md.tmp'), slide('One') + slide('Two') + slide('Three', 'action: restore-all\n'));
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, 'talk.md.tmp'), file);
    await until(() => decks.length > 0);
    expect(decks.at(-1)?.chapters.map((c) => c.title)).toEqual(['One', 'Two', 'Three']);
    await w.close();
  });
});
