// Shrink-to-fit for stage text: when a box's content overflows, step its --fit scale down
// (never below minScale, which keeps body text at its minimum size), then, if allowed, leave
// out one more item (the oldest timeline row, a diagnosis line's explanation) and start again
// from full size. Runs in layout effects, so no flicker.
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type RefObject } from 'react';

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
  const [fit, setFit] = useState({ key, scale: 1, drop: 0, overflowing: false });
  const current = fit.key === key ? fit : { key, scale: 1, drop: 0, overflowing: false };
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
  const settled = useRef<{ fit: typeof fit; box: number } | null>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (settled.current && settled.current.fit === current && settled.current.box === box) return;
    settled.current = { fit: current, box };
    const over = el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
    if (!over) {
      if (current !== fit || fit.overflowing) setFit({ ...current, overflowing: false });
      return;
    }
    if (current.scale > minScale + 1e-6) {
      setFit({ ...current, scale: Math.max(minScale, Math.round((current.scale - 0.05) * 100) / 100) });
    } else if (current.drop < maxDrop) {
      // One more item left out, then try again from full size: the least left out, as big as fits.
      setFit({ ...current, scale: 1, drop: current.drop + 1 });
    } else if (!current.overflowing || current !== fit) {
      setFit({ ...current, overflowing: true });
    }
  });

  return {
    ref,
    style: { '--fit': String(current.scale) } as CSSProperties,
    drop: current.drop,
    overflowing: current.overflowing
  };
}
