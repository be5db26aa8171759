// Where things are, in both entry points. The data folder matches Electron's userData for
// this app, so browser mode and the Electron app share one fault ledger.
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';

export const APP_NAME = 'tikv-stage';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/**
 * True when `file` lies below the folder `dir`; both absolute and normalized (resolve, join).
 * A plain prefix test on the path with its separator: `/deck2/x` is not inside `/deck`.
 */
export function isInside(dir: string, file: string): boolean {
  return file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** The project root, from the built main bundle (out/main) or from src/main in tests. */
export function appRoot(fromDir: string): string {
  return resolve(fromDir, '..', '..');
}

/**
 * Where the shipped resources (resources/decks, resources/cluster, docker-compose.tikv.yml) are:
 * beside app.asar in a packaged app (electron-builder's extraResources, process.resourcesPath),
 * the project root in development.
 */
export function resourcesRoot(packaged: boolean, resourcesPath: string | undefined, fromDir: string): string {
  return packaged && resourcesPath ? resourcesPath : appRoot(fromDir);
}

export function builtinDeckPath(root: string): string {
  return join(root, 'resources', 'decks', 'tikv-resilience.md');
}
