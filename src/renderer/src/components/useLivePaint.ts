// Figures that change every second (ops/s, latency, heartbeat ages, the chart) are written into
// their elements, not rendered. A React render once a second, however small, keeps V8 compiling
// React's code for minutes: the audience page's heap grew ~140 KB in three idle minutes from a
// one-second render of four labels, and stays flat without it (README, Performance). The
// element renders once, empty; `paint` fills it after every render and whenever a feed changes.
import { useEffectEvent, useLayoutEffect } from 'react';
import type { Feed } from '../lib/feeds';

/** Calls `paint` after every render, and whenever feed `a` or `b` changes (if given). */
export function useLivePaint(paint: () => void, a?: Feed<unknown>, b?: Feed<unknown>): void {
  const repaint = useEffectEvent(paint);
  // Subscribed before the first paint: subscribing may wake a feed (the clock reads the time).
  useLayoutEffect(() => {
    const offs = [a, b].map((f) => f?.subscribe(() => repaint()));
    return () => {
      for (const off of offs) off?.();
    };
  }, [a, b]);
  // After every render: the props may have changed what is shown.
  useLayoutEffect(() => repaint());
}

/** Sets an element's text when it differs (a write that changes nothing still costs a layout). */
export function setText(el: Element | null | undefined, text: string): void {
  if (el && el.textContent !== text) el.textContent = text;
}

/** Sets or removes an attribute when it differs. */
export function setAttr(el: Element | null | undefined, name: string, value: string | null): void {
  if (!el || el.getAttribute(name) === value) return;
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}
