// The app's own scheme, app://stage/, instead of file:// (Electron's security checklist: a
// custom protocol serves only the app's files, and a page's origin is something we can compare
// exactly). The shell registers it as standard + secure before `ready` and answers it with
// `protocol.handle(APP_SCHEME, (req) => appResponse(req, rendererDir))`. Plain Node: no electron
// import, so the resolver and the responses are tested directly.
import { isAbsolute, join, relative, resolve } from 'node:path';
import { readRegularFile, refusalStatus, type CheckedRead } from '../file-read';
import { contentSecurityPolicy, contentType } from '../page-headers';
import { DECK_ASSET_MAX_BYTES, DECK_ASSET_PREFIX, deckAssetHeaders, resolveDeckAsset } from '../show/deck-assets';

export const APP_SCHEME = 'app';
export const APP_HOST = 'stage';
/** How the app's pages are addressed; index.html is the single page for both views. */
export const APP_PAGE = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** What registerSchemesAsPrivileged gets (before `ready`). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true }
} as const;

/** 64 MB: far beyond any file of the renderer's build (its largest is a few MB). */
export const APP_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** Routes that are the single page (as in browser mode). */
const PAGES = new Set(['', '/', '/index.html', '/presenter']);

export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 404; reason: string };

/**
 * The file under rendererDir that an app:// URL names, or why not. Each path segment is
 * decoded on its own, and a segment that decodes to `.`, `..`, or anything with a slash,
 * backslash, colon or NUL is refused: `%2e%2e%2f` cannot climb out, however it is spelled.
 */
export function resolveAppUrl(url: string, rendererDir: string): Resolved {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '')
    return { ok: false, status: 404, reason: `not ${APP_SCHEME}://${APP_HOST}/` };
  const root = resolve(rendererDir);
  if (PAGES.has(u.pathname)) return { ok: true, file: join(root, 'index.html') };
  const segments: string[] = [];
  for (const raw of u.pathname.split('/').slice(1)) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' };
    }
    if (seg === '' || seg === '.' || seg === '..' || /[/\\:\0]/.test(seg))
      return { ok: false, status: 404, reason: `refused path segment "${raw}"` };
    segments.push(seg);
  }
  const file = join(root, ...segments);
  const rel = relative(root, file);
  // Belt and braces: whatever the checks above missed, the file must sit inside the root.
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { ok: false, status: 404, reason: 'outside the app' };
  return { ok: true, file };
}

/** The headers every app:// answer carries: the policy (no network for the Electron pages). */
export function appHeaders(file: string | null): Record<string, string> {
  return {
    'content-type': file ? contentType(file) : 'text/plain; charset=utf-8',
    'content-security-policy': contentSecurityPolicy('app'),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store'
  };
}

export interface AppRequestLike {
  url: string;
  method: string;
}

/** A refusal in plain text, with the app's headers. */
const plain = (status: number, text: string): Response => new Response(`${text}\n`, { status, headers: appHeaders(null) });

const errorCode = (e: unknown): string => (e instanceof Error && 'code' in e ? String(e.code) : '');
/** The file is not there (any more): removed, or a file where its path needs a folder. */
const isGone = (e: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes(errorCode(e));

/** What a throw means to the view: the file went away (404), or it could not be read (500). */
function failure(e: unknown): Response {
  const code = errorCode(e);
  if (isGone(e) || code === 'EISDIR') return plain(404, 'not found (the file went away as it was read)');
  return plain(500, code ? `could not read the file (${code})` : 'could not answer this request');
}

/**
 * The answer to one app:// request: the file, or a plain refusal. Never rejects: a file removed
 * or swapped between its checks and its read (a deck image being replaced) answers 403, 404 or
 * 500, never more than its cap read into memory, never a wait on a FIFO.
 * Images beside the deck (`/deck-assets/…`, as in browser mode) come only from the current
 * deck's folder.
 */
export async function appResponse(req: AppRequestLike, rendererDir: string, deckFile?: () => string): Promise<Response> {
  try {
    return await answer(req, rendererDir, deckFile);
  } catch (e) {
    return failure(e);
  }
}

async function answer(req: AppRequestLike, rendererDir: string, deckFile: (() => string) | undefined): Promise<Response> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'method not allowed');
  const head = req.method === 'HEAD';
  const asset = deckFile ? deckAssetPath(req.url) : null;
  if (asset !== null && deckFile) {
    const a = await resolveDeckAsset(deckFile(), asset);
    if (!a.ok) return plain(a.status, a.reason);
    if (head) return new Response(null, { status: 200, headers: deckAssetHeaders(a.contentType, a.size) });
    const r = await readRegularFile(a.file, 'deck image', DECK_ASSET_MAX_BYTES, { same: { dev: a.dev, ino: a.ino } });
    if (!r.ok) return refused(r);
    return new Response(r.body, { status: 200, headers: deckAssetHeaders(a.contentType, r.body.byteLength) });
  }
  const u = resolveAppUrl(req.url, rendererDir);
  if (!u.ok) return plain(u.status, u.reason);
  const r = await readRegularFile(u.file, 'renderer', APP_FILE_MAX_BYTES, { headOnly: head }).catch((e: unknown) => {
    if (isGone(e)) return null;
    throw e;
  });
  if (!r) return plain(404, 'not found');
  if (!r.ok) return refused(r);
  const length = head ? r.size : r.body.byteLength;
  return new Response(head ? null : r.body, { status: 200, headers: { ...appHeaders(u.file), 'content-length': String(length) } });
}

const refused = (r: Extract<CheckedRead, { ok: false }>): Response => plain(refusalStatus(r), `not served: ${r.reason}`);


/** The still-encoded path after /deck-assets/ of an app:// URL, or null when it is not one. */
export function deckAssetPath(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || !u.pathname.startsWith(DECK_ASSET_PREFIX)) return null;
    return u.pathname.slice(DECK_ASSET_PREFIX.length);
  } catch {
    return null;
  }
}
