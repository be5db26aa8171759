// The last line of defence: nothing a view, a file or the network sends may end the process
// mid-talk. An uncaught exception or an unhandled rejection is logged and handed to the
// caller (which shows it to the presenter as a notice); the process keeps running.
export interface ProcessGuard {
  /** Errors caught so far (for diagnostics and tests). */
  count(): number;
  uninstall(): void;
}

type Source = 'uncaughtException' | 'unhandledRejection';

export interface ProcessLike {
  on(event: Source, listener: (reason: unknown) => void): unknown;
  off(event: Source, listener: (reason: unknown) => void): unknown;
}

/** A one-line description of whatever was thrown (an Error, a string, anything). */
export function describeThrown(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  try {
    return typeof reason === 'string' ? reason : (JSON.stringify(reason) ?? String(reason));
  } catch {
    return String(reason);
  }
}

export function installProcessGuard(
  onError: (message: string, error: unknown) => void,
  opts: { log?: (line: string) => void; proc?: ProcessLike } = {}
): ProcessGuard {
  const proc = opts.proc ?? process;
  const log = opts.log ?? ((line: string) => console.error(line));
  let count = 0;
  let inside = false;
  const handler =
    (source: Source) =>
    (reason: unknown): void => {
      count++;
      // An error thrown by the callback itself must not loop back in here forever.
      if (inside) return;
      inside = true;
      try {
        const message = `unexpected error (${source === 'uncaughtException' ? 'uncaught exception' : 'unhandled rejection'}): ${describeThrown(reason)}`;
        log(`tikv-stage: ${message}${reason instanceof Error && reason.stack ? `\n${reason.stack}` : ''}`);
        onError(message, reason);
      } catch {
        // nothing more can be done; the show goes on
      } finally {
        inside = false;
      }
    };
  const onException = handler('uncaughtException');
  const onRejection = handler('unhandledRejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return {
    count: () => count,
    uninstall() {
      proc.off('uncaughtException', onException);
      proc.off('unhandledRejection', onRejection);
    }
  };
}
