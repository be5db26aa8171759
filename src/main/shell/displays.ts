// Where the two windows go: the presenter on the laptop's own panel, the audience full screen
// on another display (the projector) when there is one. Pure: the shell passes in
// screen.getAllDisplays() and the primary display's id, and re-asks on every plug and unplug.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of Electron's Display this decision reads. */
export interface DisplayLike {
  id: number;
  bounds: Rect;
  workArea: Rect;
  /** The built-in panel (Electron sets it on laptops). */
  internal?: boolean;
}

export interface Placement<D extends DisplayLike = DisplayLike> {
  audience: D;
  presenter: D;
  /** Full screen for the audience window only when it has a display of its own. */
  audienceFullScreen: boolean;
}

/**
 * The presenter's display is the built-in panel when there is one, else the primary; the
 * audience gets the first other display that is not built in, else any other. With one display
 * both share it and nothing goes full screen (the presenter must still see their notes).
 * `swapped` exchanges the two when there are two.
 */
export function placeWindows<D extends DisplayLike>(all: readonly D[], primaryId: number, swapped = false): Placement<D> {
  if (all.length === 0) throw new Error('no display');
  const primary = all.find((d) => d.id === primaryId) ?? all[0]!;
  const presenter = all.find((d) => d.internal === true) ?? primary;
  const others = all.filter((d) => d.id !== presenter.id);
  const audience = others.find((d) => d.internal !== true) ?? others[0] ?? presenter;
  const two = audience.id !== presenter.id;
  return swapped && two
    ? { audience: presenter, presenter: audience, audienceFullScreen: true }
    : { audience, presenter, audienceFullScreen: two };
}

/** A window's bounds inside a display's work area: inset, at most 1600×900. */
export function windowBounds(d: DisplayLike): Rect {
  const { x, y, width, height } = d.workArea;
  return { x: x + 40, y: y + 40, width: Math.max(400, Math.min(1600, width - 80)), height: Math.max(300, Math.min(900, height - 80)) };
}

/** The display a window is on: the one its bounds overlap most (null when none, e.g. just unplugged). */
export function displayOf<D extends DisplayLike>(bounds: Rect, all: readonly D[]): D | null {
  const area = (d: D): number =>
    Math.max(0, Math.min(bounds.x + bounds.width, d.bounds.x + d.bounds.width) - Math.max(bounds.x, d.bounds.x)) *
    Math.max(0, Math.min(bounds.y + bounds.height, d.bounds.y + d.bounds.height) - Math.max(bounds.y, d.bounds.y));
  let best: D | null = null;
  for (const d of all) if (area(d) > 0 && (best === null || area(d) > area(best))) best = d;
  return best;
}
