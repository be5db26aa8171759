// What every page of the app is sent with, in both entry points: the Content-Security-Policy
// (one policy, two variants) and the content type by extension. Browser mode's server and the
// Electron shell's app:// protocol both build their headers here, so the two cannot drift.
import { extname } from 'node:path';

/**
 * The app's policy: nothing may leave the machine. The pages only differ in what they connect
 * to: browser mode talks to its own origin over a WebSocket (`'self'` covers ws: to the same
 * host), the Electron pages talk over IPC and connect nowhere.
 */
export function contentSecurityPolicy(mode: 'web' | 'app'): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    mode === 'web' ? "connect-src 'self'" : "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ');
}

/** Content types by extension: the app's own files and the images a deck may show (deck-assets.ts). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json'
};

/** The content type for a file name, or null when this app does not know the extension. */
export function knownContentType(file: string): string | null {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? null;
}

export function contentType(file: string): string {
  return knownContentType(file) ?? 'application/octet-stream';
}
