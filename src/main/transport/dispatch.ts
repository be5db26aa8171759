// The one place a request from any view (Electron IPC or WebSocket) is checked and run:
// an unknown name or bad arguments get a clear error reply, a failing handler too; nothing
// a view sends can crash main.
import {
  isRequestName,
  parseRequest,
  type Handlers,
  type Reply,
  type RequestArgs,
  type RequestName,
  type RequestResults
} from '../../shared/contract';

/** The contract's; re-exported so the transports' callers need not know where it lives. */
export type { Handlers } from '../../shared/contract';

/** Words for anything at all (a Symbol, an object without a prototype): never throws. */
function words(x: unknown): string {
  try {
    return String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}

export async function dispatch(handlers: Handlers, name: unknown, args: unknown): Promise<Reply<unknown>> {
  try {
    if (!isRequestName(name)) return { ok: false, error: `unknown request "${words(name).slice(0, 64)}"` };
    return await run(handlers, name, args);
  } catch (e) {
    return { ok: false, error: `bad request: ${e instanceof Error ? e.message : words(e)}` };
  }
}

async function run<K extends RequestName>(handlers: Handlers, name: K, args: unknown): Promise<Reply<unknown>> {
  const parsed = parseRequest(name, args);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  try {
    const fn = handlers[name] as (...a: RequestArgs<K>) => Promise<RequestResults[K]>;
    return { ok: true, value: await fn(...parsed.args) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : words(e) };
  }
}
