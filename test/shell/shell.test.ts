// The built Electron shell (out/main/index.js), booted as a packaged app on the stand-in
// (test/shell/standin): a folder whose name has a space, packaged argv, real Chromium pages with
// the real preload, scripted displays. What the stand-in cannot prove is listed at its top.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootPackaged, failIfExited, launchChromium, until, type BootedApp } from './standin/boot';
import { display, StandinEvent, type StandinBrowserWindow } from './standin/electron';
import { toChromiumUrl } from './standin/pages';

const laptop = display(1, 0, { internal: true, width: 1512, height: 982 });
const projector = display(2, 1512, { width: 1920, height: 1080 });

let browser: Browser;
let booted: BootedApp;
let audience: StandinBrowserWindow;
let presenter: StandinBrowserWindow;
let audiencePage: Page;
let presenterPage: Page;

const chapter = async (p: Page): Promise<string> => ((await p.getByTestId('chapter-index').first().textContent()) ?? '').trim();
const bothAt = async (n: number): Promise<void> => {
  await until(`both windows at chapter ${n}`, async () => (await chapter(audiencePage)).startsWith(`${n} /`) && (await chapter(presenterPage)).startsWith(`${n} /`), 10_000);
};
/** What a page's own request over the bridge gets back. */
const requestFrom = (p: Page, name: string, ...args: unknown[]): Promise<{ ok: boolean; error?: string }> =>
  p.evaluate(
    ([n, a]) => (window as unknown as { api: { request(n: string, ...a: unknown[]): Promise<{ ok: boolean; error?: string }> } }).api.request(n, ...a),
    [name, args] as const
  );

beforeAll(async () => {
  browser = await launchChromium();
  booted = await bootPackaged({ browser, source: { kind: 'build' }, args: ['--mode', 'sim', '--sim-speed', '5'], displays: [laptop, projector] });
  await until('two windows', () => booted.standin.windows().length === 2 || failIfExited(booted), 30_000);
  [audience, presenter] = booted.standin.windows() as [StandinBrowserWindow, StandinBrowserWindow];
  audiencePage = await audience.page!.ready;
  presenterPage = await presenter.page!.ready;
  await audiencePage.getByTestId('slide-title').waitFor({ timeout: 20_000 });
  await presenterPage.getByTestId('presenter-notes').waitFor({ timeout: 20_000 });
}, 90_000);

afterAll(async () => {
  if (booted && booted.standin.exitCode() === null) await booted.shutdown();
  await browser?.close();
  if (booted) rmSync(booted.base, { recursive: true, force: true });
});

describe('the packaged shell on the stand-in', () => {
  it('starts from packaged argv in a folder with a space, in sim mode, data in userData', async () => {
    expect(booted.appPath).toContain('TiKV Stage.app');
    expect(booted.standin.exitCode()).toBeNull();
    expect(booted.output()).toMatch(/sim mode/);
    expect(await audiencePage.getByTestId('mode-badge').first().textContent()).toBe('sim');
    // The data folder is Electron's userData for this app (package.json name), not --data-dir.
    expect(existsSync(join(booted.appData, 'tikv-stage'))).toBe(true);
  });

  it('serves the pages from app://stage/ with the CSP header, registered as a privileged scheme before ready', async () => {
    expect(audience.webContents.getURL()).toBe('app://stage/index.html');
    expect(presenter.webContents.getURL()).toBe('app://stage/index.html?view=presenter');
    expect(booted.standin.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const handler = booted.standin.protocols.get('app')!;
    const page = await handler(new Request('app://stage/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'none'/);
    for (const bad of ['app://stage/..%2f..%2fpackage.json', 'app://stage/%2e%2e/%2e%2e/package.json', 'app://stage/assets/..%5c..%5cpackage.json']) {
      const res = await handler(new Request(bad));
      expect(res.status, bad).toBe(404);
    }
    // The header's policy applies in the page: a fetch is stopped before it leaves the page
    // (the stand-in's network, which refuses and records everything foreign, never sees it).
    const refused = booted.standin.pages.refusedRequests.length;
    const violations = await audiencePage.evaluate(async () => {
      const seen: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
      await fetch('https://example.com/').catch(() => undefined);
      await new Promise((ok) => setTimeout(ok, 100));
      return seen;
    });
    expect(violations).toContain('connect-src');
    expect(booted.standin.pages.refusedRequests.length).toBe(refused);
  });

  it('hardens both windows: sandbox, context isolation, no Node, the preload only', async () => {
    for (const win of [audience, presenter]) {
      expect(win.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
      expect(win.webPreferences.preload).toBe(join(booted.appPath, 'out', 'preload', 'index.js'));
    }
    const seen = await presenterPage.evaluate(() => ({
      api: typeof (window as unknown as { api?: { request?: unknown } }).api?.request,
      require: typeof (window as unknown as { require?: unknown }).require,
      preloadError: (window as unknown as { __standinPreloadError?: string }).__standinPreloadError ?? null
    }));
    expect(seen).toEqual({ api: 'function', require: 'undefined', preloadError: null });
  });

  it('both windows render the show; the Next button and a clicker key in either window move both', async () => {
    await bothAt(1);
    await presenterPage.getByTestId('btn-next').click();
    await bothAt(2);
    await audience.webContents.press('PageDown');
    await bothAt(3);
    await presenter.webContents.press('PageUp');
    await bothAt(2);
    // The key was main's: prevented before the page could act on it a second time.
    expect(audience.webContents.inputs.at(-1)).toMatchObject({ key: 'PageDown', prevented: true });
    // Each move is logged; only the presenter, which shows the log, is sent it.
    const logged = (sent: string[]): string[] => sent.filter((c) => c.startsWith('tikv-stage:event:log'));
    expect(logged(presenter.webContents.sent)).toContain('tikv-stage:event:logEntry');
    expect(logged(audience.webContents.sent)).toEqual([]);
    expect(audience.webContents.sent).toContain('tikv-stage:event:position');
  });

  it('swallows reload (Ctrl/Cmd+R) in both windows', async () => {
    const before = await chapter(presenterPage);
    expect(await presenter.webContents.press('r', { control: true })).toBe(true);
    expect(await audience.webContents.press('r', { meta: true })).toBe(true);
    expect(await chapter(presenterPage)).toBe(before);
    expect(presenter.webContents.getURL()).toBe('app://stage/index.html?view=presenter');
  });

  it("answers the app's own pages over IPC and refuses a foreign origin and look-alikes", async () => {
    expect((await requestFrom(presenterPage, 'getState')).ok).toBe(true);
    const at = await chapter(presenterPage);
    booted.standin.pages.serve('https://evil.example', () => ({ body: '<!doctype html><title>evil</title>' }));
    // A file next to the real page whose name starts like it: the old prefix check let it in.
    const rendererDir = join(booted.appPath, 'out', 'renderer');
    writeFileSync(join(rendererDir, 'index.html.evil.html'), '<!doctype html><title>look-alike</title>');
    const foreign = [
      'https://evil.example/',
      'app://stage.evil/index.html',
      pathToFileURL(join(rendererDir, 'index.html.evil.html')).toString()
    ];
    expect(foreign[2]).toContain('TiKV%20Stage.app');
    for (const url of foreign) {
      // A window the shell did not make, with the same preload: only the sender check stands in the way.
      const win = new booted.standin.electron.BrowserWindow({ show: false, webPreferences: { preload: join(booted.appPath, 'out', 'preload', 'index.js') } });
      // The look-alike app:// page is answered 404 by the shell's protocol; loadURL rejects, the page stays.
      await win.loadURL(url).catch(() => undefined);
      const page = await win.page!.ready;
      await page.waitForLoadState('load');
      const reply = await requestFrom(page, 'next').catch((e: Error) => ({ ok: false, error: `${url}: ${e.message}` }));
      expect(reply.ok, url).toBe(false);
      expect(reply.error, url).toMatch(/refused/);
      win.destroy();
    }
    expect(await chapter(presenterPage)).toBe(at);
  });

  it('stops navigation away from the app, in the page and in frames; denies popups and webviews', async () => {
    booted.standin.pages.serve('https://evil.example', () => ({ body: '<!doctype html><title>evil</title>' }));
    for (const target of ['https://evil.example/', toChromiumUrl('app://stage.evil/index.html')]) {
      await presenterPage.evaluate((t) => void (window.location.href = t), target).catch(() => undefined);
      await presenterPage.waitForTimeout(300);
      expect(presenter.webContents.getURL()).toBe('app://stage/index.html?view=presenter');
    }
    expect(presenter.page!.blocked).toEqual(['https://evil.example/', 'app://stage.evil/index.html']);
    // A frame aimed at another origin never gets it (the page's CSP stops it before Chromium
    // even asks; will-frame-navigate would be next).
    await presenterPage.evaluate(() => {
      const f = document.createElement('iframe');
      f.src = 'https://evil.example/frame';
      document.body.appendChild(f);
    });
    await presenterPage.waitForTimeout(300);
    expect(presenterPage.frames().some((f) => f.url().startsWith('https://evil.example'))).toBe(false);
    const frameNav = (url: string): boolean => {
      const e = new StandinEvent({ url, isMainFrame: false });
      presenter.webContents.emit('will-frame-navigate', e);
      return e.defaultPrevented;
    };
    expect(frameNav('https://evil.example/frame')).toBe(true);
    expect(frameNav('app://stage.evil/index.html')).toBe(true);
    expect(frameNav('app://stage/index.html')).toBe(false);
    // will-navigate on its own (in Electron it comes with will-frame-navigate for the main frame).
    const nav = (url: string): boolean => {
      const e = new StandinEvent({ url, isMainFrame: true });
      presenter.webContents.emit('will-navigate', e, url);
      return e.defaultPrevented;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('app://stage.evil/index.html')).toBe(true);
    expect(nav('file:///tmp/out/renderer/index.html.evil.html')).toBe(true);
    expect(nav('app://stage/index.html?view=presenter')).toBe(false);
    // Redirects, popups, webviews.
    const redirect = new StandinEvent({ url: 'https://evil.example/' });
    presenter.webContents.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.defaultPrevented).toBe(true);
    expect(presenter.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const webview = new StandinEvent();
    presenter.webContents.emit('will-attach-webview', webview, {}, { src: 'https://evil.example/' });
    expect(webview.defaultPrevented).toBe(true);
    // ...and the app's own page still works.
    expect((await requestFrom(presenterPage, 'getState')).ok).toBe(true);
  });

  it('denies every permission', async () => {
    const answers: boolean[] = [];
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      booted.standin.permission.request?.(audience.webContents, perm, (ok: boolean) => answers.push(ok), {});
    expect(answers).toEqual([false, false, false, false]);
    expect(booted.standin.permission.check?.(audience.webContents, 'media', 'app://stage', {})).toBe(false);
  });

  it('puts the audience full screen on the external display, and follows an unplug and a replug', async () => {
    await until('audience full screen on the projector', () => audience.isFullScreen() && audience.display().id === projector.id);
    expect(presenter.display().id).toBe(laptop.id);
    expect(presenter.isFullScreen()).toBe(false);
    expect(audience.isVisible() && presenter.isVisible()).toBe(true);

    booted.standin.setDisplays([laptop]);
    await until('audience windowed on the laptop', () => !audience.isFullScreen() && audience.display().id === laptop.id);

    booted.standin.setDisplays([laptop, projector], laptop.id);
    await until('audience back on the projector', () => audience.isFullScreen() && audience.display().id === projector.id);
    expect(audience.getBounds()).toEqual(projector.bounds);
  });

  it('leaves the presenter window where the presenter put it when a display changes scale', async () => {
    const moved = { x: laptop.workArea.x + 60, y: laptop.workArea.y + 40, width: 1200, height: 760 };
    presenter.setBounds(moved);
    booted.standin.electron.screen.emit('display-metrics-changed', new StandinEvent(), structuredClone(laptop), ['scaleFactor']);
    await new Promise((r) => setTimeout(r, 200));
    expect(presenter.getBounds()).toEqual(moved);
    expect(audience.isFullScreen() && audience.display().id === projector.id).toBe(true);
  });

  it('swaps displays on request, and back', async () => {
    expect((await requestFrom(presenterPage, 'swapDisplays')).ok).toBe(true);
    await until('swapped', () => audience.display().id === laptop.id && audience.isFullScreen() && presenter.display().id === projector.id);
    expect(presenter.isFullScreen()).toBe(false);
    expect((await requestFrom(presenterPage, 'swapDisplays')).ok).toBe(true);
    await until('back', () => audience.display().id === projector.id && audience.isFullScreen() && presenter.display().id === laptop.id);
  });

  it('a blackout key held while the window loses focus, or let go as another character, is no panic', async () => {
    type Got = { ok: boolean; value?: { show: { blackout: boolean }; log: { what: string }[] } };
    const state = async (): Promise<NonNullable<Got['value']>> => ((await requestFrom(presenterPage, 'getState')) as Got).value!;
    const panics = async (): Promise<number> => (await state()).log.filter((l) => l.what === 'panic').length;
    const before = await panics();
    // Held, then focus goes elsewhere: the release is never seen.
    audience.webContents.keyEvent('keyDown', 'b');
    audience.emit('blur');
    // Shift+B, Shift let go first: B goes up as "b".
    presenter.webContents.keyEvent('keyDown', 'B', { shift: true });
    presenter.webContents.keyEvent('keyUp', 'Shift');
    presenter.webContents.keyEvent('keyUp', 'b');
    await new Promise((r) => setTimeout(r, 2000)); // past the 1.5 s panic hold
    expect(await panics()).toBe(before);
    if ((await state()).show.blackout) await requestFrom(presenterPage, 'blackout', false);
  });

  it('reloads a window whose page process died, a few times a minute at most, and tells the presenter', async () => {
    type Got = { ok: boolean; value?: { show: { notices: string[] } } };
    const notices = async (): Promise<string> => ((await requestFrom(presenterPage, 'getState')) as Got).value!.show.notices.join('\n');
    const wc = audience.webContents as unknown as { reloads: number; emit(e: string, ...a: unknown[]): boolean };
    const gone = (): boolean => wc.emit('render-process-gone', new StandinEvent(), { reason: 'crashed', exitCode: 139 });
    const before = wc.reloads;
    gone();
    expect(wc.reloads).toBe(before + 1);
    await until('the audience page back', async () => (await chapter(audiencePage)) !== '', 10_000);
    await until('the presenter told', async () => /audience window's page stopped \(crashed\) and was reloaded/.test(await notices()), 5_000);
    gone();
    gone();
    gone(); // the fourth within a minute: left alone
    expect(wc.reloads).toBe(before + 3);
    await until('the presenter told it was left', async () => /stopped \(crashed\) 3 times within a minute/.test(await notices()), 5_000);
    await until('the audience page back', async () => (await chapter(audiencePage)) !== '', 10_000);
  });

  it('a second launch brings the presenter window forward (the running copy keeps the lock)', async () => {
    presenter.minimized = true;
    presenter.focused = false;
    booted.standin.electron.app.emit('second-instance', {}, ['TiKV Stage'], '/');
    expect(presenter.isMinimized()).toBe(false);
    expect(presenter.focused).toBe(true);
  });

  it('the audience window stays open when asked to close mid-show, and says how to end the show', async () => {
    audience.close();
    expect(audience.isDestroyed()).toBe(false);
    type Got = { ok: boolean; value?: { show: { notices: string[] } } };
    await until(
      'the presenter told',
      async () => /audience window stays open while the show runs/.test(((await requestFrom(presenterPage, 'getState')) as Got).value!.show.notices.join('\n')),
      5_000
    );
  });

  it('closing the presenter window restores open faults and exits, as quit does', async () => {
    const injected = await requestFrom(presenterPage, 'injectFault', { kind: 'kill', target: { type: 'named', name: 'tikv1' } });
    expect(injected.ok, injected.error).toBe(true);
    const ledger = join(booted.appData, 'tikv-stage', 'sim-fault-ledger.jsonl');
    const entries = (): { op: string; id: string }[] =>
      readFileSync(ledger, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { op: string; id: string });
    const opened = entries().filter((e) => e.op === 'open');
    expect(opened).toHaveLength(1);
    expect(booted.standin.blockers.size).toBe(1);

    presenter.close();
    await until('the app exits on its own', () => booted.standin.exitCode() !== null, 20_000);
    const code = await booted.shutdown();
    expect(code).toBe(0);
    expect(entries().filter((e) => e.op === 'restored').map((e) => e.id)).toEqual(opened.map((e) => e.id));
    expect(booted.standin.windows()).toHaveLength(0);
    expect(booted.standin.blockers.size).toBe(0);
  });
});

describe('bad flags in a packaged app', () => {
  it('exit with code 2 and say why in a box, since there is no terminal', async () => {
    const bad = await bootPackaged({ browser, source: { kind: 'build' }, args: ['-psn_0_4242', '--mode', 'moon'], displays: [laptop] });
    const code = await bad.shutdown();
    expect(code).toBe(2);
    expect(bad.standin.errorBoxes[0]?.content).toMatch(/--mode must be auto, sim or live, got "moon"/);
    expect(bad.standin.windows()).toHaveLength(0);
    rmSync(bad.base, { recursive: true, force: true });
  });
});

describe('a second copy of the app', () => {
  it('exits at once without windows or a stage: two copies would share one fault ledger', async () => {
    const second = await bootPackaged({ browser, source: { kind: 'build' }, args: ['--mode', 'sim'], displays: [laptop], anotherInstance: true });
    const code = await second.shutdown();
    expect(code).toBe(0);
    expect(second.standin.windows()).toHaveLength(0);
    expect(second.output()).toMatch(/already running/);
    rmSync(second.base, { recursive: true, force: true });
  });
});
