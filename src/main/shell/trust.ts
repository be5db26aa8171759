// Which pages are the app's own: an exact comparison of the parsed URL's scheme and host (and
// port), never a string prefix (`…/index.html.evil.html` and `app://stage.evil/` are not ours).
// Used for IPC senders, will-navigate, will-frame-navigate and will-redirect alike.
import type { ViewName } from '../../shared/contract';
import { APP_HOST, APP_PAGE, APP_SCHEME } from './app-protocol';

export type View = ViewName;

export interface TrustOptions {
  /** Whether this is a packaged app (app.isPackaged). */
  packaged: boolean;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL); honoured only when not packaged. */
  devServerUrl?: string | undefined;
}

export interface Trust {
  /** Is this URL one of the app's own pages? */
  trusted(url: string): boolean;
  /** The URL a window loads for a view. */
  pageUrl(view: View): string;
  /** Where pages come from, for a log line. */
  source: 'app' | 'dev-server';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The dev server's origin, or null when it must not be used (packaged, unset, not loopback http). */
function devOrigin(opts: TrustOptions): URL | null {
  if (opts.packaged || !opts.devServerUrl) return null;
  const u = parse(opts.devServerUrl);
  if (!u || u.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return null;
  return u;
}

export function createTrust(opts: TrustOptions): Trust {
  const dev = devOrigin(opts);
  const ours = (u: URL): boolean => {
    if (u.username !== '' || u.password !== '') return false;
    // Non-special schemes have an opaque origin in WHATWG URL ("null"): compare scheme and host.
    if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
    return dev !== null && u.origin === dev.origin;
  };
  return {
    trusted: (url) => {
      const u = parse(url);
      return u !== null && ours(u);
    },
    pageUrl: (view) => {
      const base = dev ? new URL('/', dev).toString() : APP_PAGE;
      return view === 'presenter' ? `${base}?view=presenter` : base;
    },
    source: dev ? 'dev-server' : 'app'
  };
}
