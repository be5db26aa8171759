// Shrink-to-fit for stage text: when a box's content overflows, its --fit scale goes down
// (never below minScale, which keeps body text at its minimum size) and, if allowed, items are
// left out (the oldest timeline rows, diagnosis lines' explanations): as few as possible, then as
// big as fits (lib/fit.ts). Runs in a layout effect, so no flicker.
//
// The search lays the box out by writing --fit and the `hidden` of the items (those carrying
// `data-fit-rank`, left out when their rank is below `drop`) and measuring, not by rendering
// each try: new text costs one React commit when it must shrink, none when it fits. The
// component renders every droppable item, hidden by `hidden={rank < fit.drop}`. Content seen
// before starts from the fit found then (FitMemory), other new content from the box's last fit;
// a right guess is proved in at most three layouts.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { FitMemory, fullSize, settleFit, type FitState } from '../lib/fit';

/** One per page: the mirror and the preview share what they found. */
const memory = new FitMemory();

export interface Fit<T extends HTMLElement> {
  ref: RefObject<T | null>;
  style: CSSProperties;
  /** Items to leave out from the start. */
  drop: number;
  /** Still too big at the smallest size. */
  overflowing: boolean;
}

export function useFit<T extends HTMLElement>(contentKey: string, minScale: number, maxDrop = 0): Fit<T> {
  const ref = useRef<T>(null);
  // Measure again once the bundled font has loaded: the fallback font has other metrics.
  const [fontsLoaded, setFontsLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    void document.fonts?.ready.then(() => {
      if (live) setFontsLoaded(true);
    });
    return () => {
      live = false;
    };
  }, []);
  const key = `${fontsLoaded ? 1 : 0}:${contentKey}`;
  const [fit, setFit] = useState<FitState>(() => fullSize(key));
  // New content starts at full size; the same object across renders until it is settled.
  const current = useMemo(() => (fit.key === key ? fit : fullSize(key)), [fit, key]);
  // A measure forces a layout: it runs when the content (its key), the fit being tried or the
  // box's size changed, not on every render (a cluster tick or the clock re-renders a stage).
  const [box, setBox] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let first = true;
    const ro = new ResizeObserver(() => {
      if (first) first = false;
      else setBox((b) => b + 1);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const settled = useRef<{ fit: FitState; box: number } | null>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (settled.current && settled.current.fit === current && settled.current.box === box) return;
    const items = el.querySelectorAll<HTMLElement>('[data-fit-rank]');
    const layOut = (scale: number, drop: number): void => {
      el.style.setProperty('--fit', String(scale));
      for (const item of items) item.hidden = Number(item.dataset.fitRank) < drop;
    };
    const id = FitMemory.id(current.key, minScale, maxDrop);
    // New content (at full size) starts from what this content fitted at before, else from what
    // this box's last content fitted at: a diagnosis or a timeline changes a line at a time.
    const fresh = current.scale === 1 && current.drop === 0 && !current.overflowing;
    const hint = (fresh && (memory.recall(id) ?? settled.current?.fit)) || current;
    const next = settleFit(
      current,
      minScale,
      maxDrop,
      (scale, drop) => {
        layOut(scale, drop);
        return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
      },
      hint
    );
    memory.remember(id, next);
    // The box is left as the next render writes it: React does not write again a value it wrote
    // last time, so a value tried here would otherwise stay.
    layOut(next.scale, next.drop);
    settled.current = { fit: next, box };
    if (next !== current) setFit(next);
  });

  return {
    ref,
    style: { '--fit': String(current.scale) } as CSSProperties,
    drop: current.drop,
    overflowing: current.overflowing
  };
}
