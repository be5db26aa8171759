// The app's own flags out of Electron's process.argv, the same in the three ways the README
// starts the app:
//   dev:       electron . -- --mode sim          argv = [electron, '.', '--', '--mode', 'sim']
//   packaged:  "TiKV Stage" --mode sim           argv = [TiKV Stage, '--mode', 'sim']
//   macOS:     open -a "TiKV Stage" --args --mode sim   (argv as packaged; Finder may add -psn_0_123)
// Electron passes every switch on the command line to Chromium as well, and an OS or a
// launcher may add some (a .desktop file's --no-sandbox, macOS's -psn_ and -NS…/-Apple… pairs).
// Decision: only switches on the known Chromium/Electron list below (and the macOS ones) are
// dropped; anything else stays, so a typo such as --mdoe still gets parseConfig's plain error
// instead of being ignored in silence. Our own flags never collide with that list.

/** Chromium and Electron switches a launcher, a developer or the OS may put on the command line. */
export const CHROMIUM_SWITCHES: ReadonlySet<string> = new Set([
  'no-sandbox',
  'disable-gpu',
  'disable-gpu-sandbox',
  'disable-software-rasterizer',
  'disable-dev-shm-usage',
  'in-process-gpu',
  'ignore-gpu-blocklist',
  'use-gl',
  'use-angle',
  'enable-unsafe-swiftshader',
  'enable-logging',
  'log-file',
  'log-level',
  'v',
  'vmodule',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-publish-uid',
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-allow-origins',
  'user-data-dir',
  'lang',
  'ozone-platform',
  'ozone-platform-hint',
  'enable-wayland-ime',
  'gtk-version',
  'enable-features',
  'disable-features',
  'enable-blink-features',
  'disable-blink-features',
  'force-device-scale-factor',
  'high-dpi-support',
  'force-color-profile',
  'js-flags',
  'proxy-server',
  'proxy-pac-url',
  'proxy-bypass-list',
  'no-proxy-server',
  'host-rules',
  'host-resolver-rules',
  'ignore-certificate-errors',
  'disable-http-cache',
  'disable-http2',
  'disable-renderer-backgrounding',
  'disable-background-timer-throttling',
  'disable-features-for-testing',
  'allow-file-access-from-files',
  'original-process-start-time',
  'enable-crash-reporter',
  'enable-crashpad',
  'no-zygote',
  'force-renderer-accessibility',
  'enable-sandbox-logging',
  'trace-warnings',
  'trace-deprecation',
  'no-deprecation',
  'no-stdio-init',
  'wm-window-animations-disabled'
]);

export interface AppArgs {
  /** What parseConfig gets: the app's flags, in order. */
  args: string[];
  /** What was dropped as Chromium's or the OS's, for one log line. */
  ignored: string[];
}

/** Is this one token a switch that belongs to Chromium, Electron or macOS, not to us? */
function foreignSwitch(token: string): boolean {
  if (/^-psn_\d/.test(token)) return true;
  const m = /^--([a-z0-9][a-z0-9-]*)(=.*)?$/i.exec(token);
  return m !== null && CHROMIUM_SWITCHES.has(m[1]!.toLowerCase());
}

/** macOS's `-NSDocumentRevisionsDebugMode YES` / `-AppleLanguages (en)`: a key and its value. */
const MAC_DEFAULTS_PAIR = /^-(NS|Apple)[A-Za-z]+$/;

function dropForeign(tokens: string[]): AppArgs {
  const args: string[] = [];
  const ignored: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (MAC_DEFAULTS_PAIR.test(t)) {
      ignored.push(t, ...(i + 1 < tokens.length ? [tokens[i + 1]!] : []));
      i++;
    } else if (foreignSwitch(t)) ignored.push(t);
    else args.push(t);
  }
  return { args, ignored };
}

/**
 * The app's flags from `process.argv`. Packaged: everything after the executable. Dev (the
 * default app runs us as `electron [switches] <app path> [-- flags]`): what follows `--`, or
 * what follows the app path when there is no `--`.
 */
export function appArgs(argv: readonly string[], packaged: boolean): AppArgs {
  let rest: string[];
  if (packaged) rest = argv.slice(1);
  else {
    const dashes = argv.indexOf('--', 1);
    if (dashes >= 0) {
      const before = dropForeign(argv.slice(1, dashes).filter((t) => t.startsWith('-')));
      const after = dropForeign(argv.slice(dashes + 1));
      return { args: after.args, ignored: [...before.ignored, ...after.ignored] };
    }
    // Skip Chromium switches up to the app path, then the app path itself.
    let i = 1;
    while (i < argv.length && argv[i]!.startsWith('-')) i++;
    rest = [...argv.slice(1, i), ...argv.slice(i + 1)];
  }
  return dropForeign(rest);
}
