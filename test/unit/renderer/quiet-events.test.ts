// Runs in Node, whose EventTarget has no tree: a window -> root -> node chain is simulated by
// dispatching in capture order and stopping where propagation was stopped.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNHANDLED_EVENTS, keepFromReact } from '../../../src/renderer/src/lib/quiet-events';

describe('keepFromReact', () => {
  it('stops transition and animation events at the window, in the capture phase', () => {
    const win = new EventTarget();
    keepFromReact(win);
    for (const type of UNHANDLED_EVENTS) {
      const e = new Event(type, { bubbles: true });
      let stopped = false;
      const stop = e.stopPropagation.bind(e);
      e.stopPropagation = () => ((stopped = true), stop());
      win.dispatchEvent(e);
      expect(stopped, type).toBe(true);
    }
    const key = new Event('keydown', { bubbles: true });
    let stopped = false;
    key.stopPropagation = () => void (stopped = true);
    win.dispatchEvent(key);
    expect(stopped).toBe(false);
  });

  it('is not undoing a handler: no view listens for those events', () => {
    const names = UNHANDLED_EVENTS.map((t) => `on${t[0]!.toUpperCase()}${t.slice(1).replace(/(run|start|end|cancel|iteration)$/, (m) => m[0]!.toUpperCase() + m.slice(1))}`);
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f)) files.push(p);
      }
    };
    walk(join(__dirname, '../../../src/renderer/src'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files.filter((x) => !x.endsWith('quiet-events.ts'))) {
      const text = readFileSync(f, 'utf8');
      for (const n of names) expect(text.includes(n), `${f} has ${n}`).toBe(false);
      for (const t of UNHANDLED_EVENTS) expect(text.includes(`'${t}'`), `${f} listens for ${t}`).toBe(false);
    }
    expect(names).toContain('onTransitionEnd');
    expect(names).toContain('onAnimationIteration');
  });
});
