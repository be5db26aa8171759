import { describe, expect, it } from 'vitest';
import { appMenuTemplate, pagesIgnoreMenuShortcuts } from '../../../src/main/shell/app-menu';

describe('the application menu', () => {
  it('is none on Windows and Linux, where pages ignore menu shortcuts', () => {
    for (const p of ['win32', 'linux'] as const) {
      expect(appMenuTemplate(p)).toBeNull();
      expect(pagesIgnoreMenuShortcuts(p)).toBe(true);
    }
  });

  it('on macOS has the app and Edit menus only (copy, paste, quit), nothing that reloads', () => {
    expect(appMenuTemplate('darwin')).toEqual([{ role: 'appMenu' }, { role: 'editMenu' }]);
    expect(pagesIgnoreMenuShortcuts('darwin')).toBe(false);
    expect(JSON.stringify(appMenuTemplate('darwin'))).not.toMatch(/reload|viewMenu|toggleDevTools/i);
  });
});
