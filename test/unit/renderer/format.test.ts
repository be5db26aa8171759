import { describe, expect, it } from 'vitest';
import {
  agoText,
  chapterIndexText,
  deltaText,
  elapsedText,
  inText,
  latencyText,
  offsetText,
  opsText,
  plainNumber,
  rateText
} from '../../../src/renderer/src/lib/format';

describe('agoText', () => {
  it('says seconds for the first two minutes', () => {
    expect(agoText(12_000)).toBe('12 s ago');
    expect(agoText(12_999)).toBe('12 s ago');
    expect(agoText(119_000)).toBe('119 s ago');
  });
  it('says "just now" under a second and never goes negative', () => {
    expect(agoText(400)).toBe('just now');
    expect(agoText(-5_000)).toBe('just now');
  });
  it('moves to minutes and hours', () => {
    expect(agoText(120_000)).toBe('2 min ago');
    expect(agoText(3 * 3600_000)).toBe('3 h ago');
  });
  it('says "never" when there is no time', () => {
    expect(agoText(null)).toBe('never');
    expect(agoText(Number.NaN)).toBe('never');
  });
});

describe('inText / offsetText / elapsedText', () => {
  it('counts down rounding up', () => {
    expect(inText(2_100)).toBe('in 3 s');
    expect(inText(0)).toBe('now');
  });
  it('writes signed offsets from the fault', () => {
    expect(offsetText(12_000)).toBe('+12 s');
    expect(offsetText(0)).toBe('+0 s');
    expect(offsetText(-3_000)).toBe('\u22123 s');
    expect(offsetText(65_000)).toBe('+1 min 05 s');
  });
  it('writes elapsed time as a clock', () => {
    expect(elapsedText(0)).toBe('0:00');
    expect(elapsedText(247_000)).toBe('4:07');
    expect(elapsedText(3_723_000)).toBe('1:02:03');
    expect(elapsedText(-10)).toBe('0:00');
  });
});

describe('numbers', () => {
  it('formats big figures', () => {
    expect(opsText(4123.5)).toBe('4,124');
    expect(opsText(12.5)).toBe('12.5');
    expect(latencyText(8.44)).toBe('8.4 ms');
    expect(latencyText(120)).toBe('120 ms');
    expect(latencyText(1500)).toBe('1.5 s');
    expect(latencyText(null)).toBe('\u2014');
    expect(rateText(0)).toBe('0');
    expect(rateText(3.25)).toBe('3.3');
  });
  it('gives plain machine-readable numbers for data attributes', () => {
    expect(plainNumber(4123.5)).toBe('4123.5');
    expect(plainNumber(4123.46)).toBe('4123.5');
    expect(plainNumber(12000)).toBe('12000');
    expect(plainNumber(Number.NaN)).toBe('0');
  });
  it('writes deltas with a real minus sign and the chapter index 1-based', () => {
    expect(deltaText(3)).toBe('+3');
    expect(deltaText(-3)).toBe('\u22123');
    expect(deltaText(1177)).toBe('+1,177');
    expect(deltaText(-2500)).toBe('\u22122,500');
    expect(chapterIndexText(2, 8)).toBe('3 / 8');
  });
});
