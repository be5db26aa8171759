import { describe, expect, it } from 'vitest';
import { displayOf, placeWindows, windowBounds, type DisplayLike } from '../../../src/main/shell/displays';

const d = (id: number, x: number, internal?: boolean): DisplayLike => ({
  id,
  internal,
  bounds: { x, y: 0, width: 1920, height: 1080 },
  workArea: { x, y: 25, width: 1920, height: 1055 }
});
const laptop = d(1, 0, true);
const projector = d(2, 1920, false);
const monitor = d(3, 3840, false);

describe('placeWindows', () => {
  it('one display: both windows on it, nothing full screen', () => {
    expect(placeWindows([laptop], 1)).toEqual({ audience: laptop, presenter: laptop, audienceFullScreen: false });
    expect(placeWindows([laptop], 1, true)).toEqual({ audience: laptop, presenter: laptop, audienceFullScreen: false });
  });

  it('two displays: audience full screen on the external one, even when it is primary', () => {
    expect(placeWindows([laptop, projector], 1)).toEqual({ audience: projector, presenter: laptop, audienceFullScreen: true });
    expect(placeWindows([projector, laptop], 2)).toEqual({ audience: projector, presenter: laptop, audienceFullScreen: true });
  });

  it('desktops without a built-in panel: presenter on the primary', () => {
    const a = d(10, 0);
    const b = d(11, 1920);
    expect(placeWindows([a, b], 11)).toMatchObject({ presenter: b, audience: a });
  });

  it('swapped exchanges the two', () => {
    expect(placeWindows([laptop, projector], 1, true)).toEqual({ audience: laptop, presenter: projector, audienceFullScreen: true });
  });

  it('three displays: the first external one that is not the presenter\'s', () => {
    expect(placeWindows([laptop, projector, monitor], 1).audience).toBe(projector);
  });

  it('a primary id that is gone falls back to the first display', () => {
    expect(placeWindows([d(5, 0), d(6, 1920)], 99).presenter.id).toBe(5);
  });

  it('no display at all is an error, not a window at (NaN, NaN)', () => {
    expect(() => placeWindows([], 1)).toThrow(/no display/);
  });
});

describe('windowBounds', () => {
  it('insets within the work area and caps at 1600×900', () => {
    expect(windowBounds(projector)).toEqual({ x: 1960, y: 65, width: 1600, height: 900 });
    expect(windowBounds({ id: 1, bounds: { x: 0, y: 0, width: 1024, height: 768 }, workArea: { x: 0, y: 0, width: 1024, height: 768 } })).toEqual({
      x: 40,
      y: 40,
      width: 944,
      height: 688
    });
  });
});

describe('displayOf', () => {
  it('the display a window overlaps most, or none', () => {
    expect(displayOf({ x: 1960, y: 40, width: 800, height: 600 }, [laptop, projector])).toBe(projector);
    expect(displayOf({ x: 1800, y: 40, width: 800, height: 600 }, [laptop, projector])).toBe(projector);
    expect(displayOf({ x: 1500, y: 40, width: 800, height: 600 }, [laptop, projector])).toBe(laptop);
    expect(displayOf({ x: 1960, y: 40, width: 800, height: 600 }, [laptop])).toBeNull();
  });
});
