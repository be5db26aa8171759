import { describe, expect, it } from 'vitest';
import { viewFromLocation } from '../../../src/renderer/src/lib/route';

describe('viewFromLocation', () => {
  it('serves the audience at / and index.html', () => {
    expect(viewFromLocation({ pathname: '/', search: '' })).toBe('audience');
    expect(viewFromLocation({ pathname: '/index.html', search: '' })).toBe('audience');
    expect(viewFromLocation({ pathname: '/app/out/renderer/index.html', search: '' })).toBe('audience');
  });
  it('serves the presenter at /presenter (browser) and ?view=presenter (Electron)', () => {
    expect(viewFromLocation({ pathname: '/presenter', search: '' })).toBe('presenter');
    expect(viewFromLocation({ pathname: '/presenter/', search: '' })).toBe('presenter');
    expect(viewFromLocation({ pathname: '/x/out/renderer/index.html', search: '?view=presenter' })).toBe('presenter');
    expect(viewFromLocation({ pathname: '/presenter', search: '?view=audience' })).toBe('audience');
  });
  it('does not mistake look-alike paths', () => {
    expect(viewFromLocation({ pathname: '/presenters', search: '' })).toBe('audience');
    expect(viewFromLocation({ pathname: '/', search: '?view=other' })).toBe('audience');
  });
});
