// The preload, with `electron` replaced by the fake (vitest alias): it exposes exactly the
// contract, and a request reaches main's IPC adapter with its sender checked.
import { describe, expect, it } from 'vitest';
import { contextBridge, exposed, ipcMain, ipcRenderer } from '../../fakes/electron';
import type { StageApi } from '../../../src/shared/contract';
import type { ShowState } from '../../../src/shared/show';
import { attachIpc } from '../../../src/main/transport/ipc';
import type { Handlers } from '../../../src/main/transport/dispatch';

describe('preload', () => {
  it('exposes only request(), act() and on() under window.api', async () => {
    expect(contextBridge).toBeDefined();
    await import('../../../src/preload/index');
    const api = exposed.api as StageApi;
    expect(Object.keys(exposed)).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['act', 'on', 'request']);

    const show = { index: 3 } as unknown as ShowState;
    const calls: number[] = [];
    const handlers = new Proxy({} as Handlers, {
      get: (_t, name) => async (...args: unknown[]) => {
        if (name === 'goTo') calls.push(args[0] as number);
        return show;
      }
    });
    attachIpc(ipcMain, handlers, (url) => url.startsWith('file:///app/'));
    expect(await api.request('goTo', 3)).toEqual({ ok: true, value: show });
    expect(calls).toEqual([3]);
    // act runs the same request and answers without its value.
    expect(await api.act('goTo', 4)).toEqual({ ok: true, value: null });
    expect(calls).toEqual([3, 4]);
    // Names outside the contract never reach IPC.
    const bad = await (api.request as (n: string) => Promise<unknown>)('shell:openExternal');
    expect(bad).toEqual({ ok: false, error: 'unknown request "shell:openExternal"' });
    expect(await (api.act as (n: string) => Promise<unknown>)('shell:openExternal')).toEqual({ ok: false, error: 'unknown request "shell:openExternal"' });
    expect(() => (api.on as (e: string, l: () => void) => void)('anything', () => {})).toThrow(/unknown event/);

    // Events reach listeners without Electron's event object; unsubscribe works.
    const got: unknown[] = [];
    const off = api.on('log', (p) => got.push(p));
    ipcRenderer.emit('tikv-stage:event:log', []);
    off();
    ipcRenderer.emit('tikv-stage:event:log', ['late']);
    expect(got).toEqual([[]]);
  });
});
