// Boots a built main bundle on the Electron stand-in, laid out as electron-builder lays out a
// packaged macOS app, in a folder whose name has a space:
//   <tmp>/My Apps/TiKV Stage.app/Contents/MacOS/TiKV Stage            (process.argv[0])
//   <tmp>/My Apps/TiKV Stage.app/Contents/Resources/app.asar/…        (the app: out/, package.json, node_modules)
//   <tmp>/My Apps/TiKV Stage.app/Contents/Resources/resources/decks/… (extraResources, process.resourcesPath)
// app.asar is a folder of that name (Electron's fs reads the archive as one), so __dirname in
// the bundle is what it is in the real app. `require('electron')` from the bundle gets the
// stand-in; process.argv is [executable, ...flags] and app.isPackaged is true, as in a packaged app.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractAll } from '@electron/asar';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { createElectronStandin, type ElectronStandin, type StandinDisplay } from './electron';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

export type AppSource =
  /** The project's build: out/ and package.json, node_modules linked from the project. */
  | { kind: 'build' }
  /** A packed app: its app.asar (extracted) and the extraResources beside it. */
  | { kind: 'packed'; resourcesDir: string };

export interface BootOptions {
  browser: Browser;
  source: AppSource;
  /** The user's flags, as typed after the app's name. */
  args: string[];
  displays: StandinDisplay[];
  /** Another copy already runs (it holds the single-instance lock). */
  anotherInstance?: boolean;
}

export interface BootedApp {
  standin: ElectronStandin;
  context: BrowserContext;
  base: string;
  /** Contents/Resources (process.resourcesPath). */
  resources: string;
  /** Contents/Resources/app.asar. */
  appPath: string;
  /** app.getPath('appData'); userData is appData/<app name>. */
  appData: string;
  output: () => string;
  /** Quits (if still running), waits for the exit code, undoes the process-wide patches. */
  shutdown(): Promise<number>;
}

/** Copies electron-builder.yml's extraResources from the project into Resources/. */
function copyExtraResources(resources: string): void {
  const cfg = parseYaml(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { extraResources?: { from: string; to: string }[] };
  for (const r of cfg.extraResources ?? []) cpSync(join(ROOT, r.from), join(resources, r.to), { recursive: true });
}

function layOut(source: AppSource): { base: string; exe: string; resources: string; appPath: string } {
  const base = mkdtempSync(join(tmpdir(), 'tikv-stage-shell-'));
  const contents = join(base, 'My Apps', 'TiKV Stage.app', 'Contents');
  const exe = join(contents, 'MacOS', 'TiKV Stage');
  const resources = join(contents, 'Resources');
  const appPath = join(resources, 'app.asar');
  mkdirSync(join(contents, 'MacOS'), { recursive: true });
  writeFileSync(exe, '#!/bin/sh\n# stand-in executable\n', { mode: 0o755 });
  mkdirSync(resources, { recursive: true });
  if (source.kind === 'build') {
    mkdirSync(appPath);
    // TIKV_STAGE_OUT: boot a build made elsewhere (default: the project's out/).
    cpSync(process.env.TIKV_STAGE_OUT ?? join(ROOT, 'out'), join(appPath, 'out'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(appPath, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(appPath, 'node_modules'), 'dir');
    copyExtraResources(resources);
  } else {
    extractAll(join(source.resourcesDir, 'app.asar'), appPath);
    cpSync(source.resourcesDir, resources, {
      recursive: true,
      filter: (src) => !src.startsWith(join(source.resourcesDir, 'app.asar'))
    });
  }
  return { base, exe, resources, appPath };
}

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;

export async function bootPackaged(opts: BootOptions): Promise<BootedApp> {
  const { base, exe, resources, appPath } = layOut(opts.source);
  const appData = join(base, 'AppData');
  mkdirSync(appData);
  const context = await opts.browser.newContext({ viewport: null });
  const standin = createElectronStandin({ context, packaged: true, appPath, appData, displays: opts.displays, anotherInstance: opts.anotherInstance });
  await standin.pages.installed;

  // Process-wide patches, undone in shutdown().
  const req = createRequire(import.meta.url);
  const Module = req('node:module') as { _load: LoadFn };
  const originalLoad = Module._load;
  Module._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (request === 'electron' || request === 'electron/main') return standin.electron;
    return originalLoad.call(this, request, parent, isMain);
  } as LoadFn;
  const saved = { argv: process.argv, resourcesPath: (process as { resourcesPath?: string }).resourcesPath, renderer: process.env.ELECTRON_RENDERER_URL };
  process.argv = [exe, ...opts.args];
  (process as { resourcesPath?: string }).resourcesPath = resources;
  const env = process.env as Record<string, string | undefined>;
  delete env.ELECTRON_RENDERER_URL;

  let out = '';
  const origLog = console.log;
  const origErr = console.error;
  console.log = (...a: unknown[]) => void (out += a.map(String).join(' ') + '\n');
  console.error = (...a: unknown[]) => void (out += a.map(String).join(' ') + '\n');

  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    Module._load = originalLoad;
    process.argv = saved.argv;
    (process as { resourcesPath?: string }).resourcesPath = saved.resourcesPath;
    if (saved.renderer !== undefined) env.ELECTRON_RENDERER_URL = saved.renderer;
    console.log = origLog;
    console.error = origErr;
  };

  // Electron runs package.json's "main", then emits `ready` once that script has run.
  const pkg = JSON.parse(readFileSync(join(appPath, 'package.json'), 'utf8')) as { main: string };
  try {
    createRequire(join(appPath, 'package.json'))(resolve(appPath, pkg.main));
  } catch (e) {
    restore();
    throw e;
  }
  setImmediate(() => standin.emitReady());

  return {
    standin,
    context,
    base,
    resources,
    appPath,
    appData,
    output: () => out,
    async shutdown() {
      if (standin.exitCode() === null) standin.electron.app.quit();
      const code = await Promise.race([standin.exited, new Promise<number>((ok) => setTimeout(() => ok(-1), 20_000))]);
      await context.close().catch(() => undefined);
      restore();
      return code;
    }
  };
}

/** For `until` checks: an app that exited while we waited fails the wait at once, with its output. */
export function failIfExited(app: BootedApp): false {
  const code = app.standin.exitCode();
  if (code !== null) throw new Error(`the app exited with code ${code}:\n${app.output()}`);
  return false;
}

/** Waits until `check` holds, polling; throws with `what` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Debian's chromium, headless, as the end-to-end tests launch it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  });
}
