// The one place a request from any view (Electron IPC or WebSocket) is checked and run:
// an unknown name or bad arguments get a clear error reply, a failing handler too; nothing
// a view sends can crash main.
import {
  isRequestName,
  parseRequest,
  type Reply,
  type RequestArgs,
  type RequestName,
  type RequestResults
} from '../../shared/contract';

export type Handlers = {
  [K in RequestName]: (...args: RequestArgs<K>) => Promise<RequestResults[K]>;
};

export async function dispatch(handlers: Handlers, name: unknown, args: unknown): Promise<Reply<unknown>> {
  if (!isRequestName(name)) return { ok: false, error: `unknown request "${String(name).slice(0, 64)}"` };
  return run(handlers, name, args);
}

async function run<K extends RequestName>(handlers: Handlers, name: K, args: unknown): Promise<Reply<unknown>> {
  const parsed = parseRequest(name, args);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  try {
    const fn = handlers[name] as (...a: RequestArgs<K>) => Promise<RequestResults[K]>;
    return { ok: true, value: await fn(...parsed.args) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
