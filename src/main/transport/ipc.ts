// Electron IPC adapter. It takes ipcMain and the windows as small structural types, so it
// never imports `electron` itself and is tested in plain Node.
import { REQUEST_NAMES, ackOf, actChannel, eventChannel, requestChannel, type EventName, type EventPayloads } from '../../shared/contract';
import type { Handlers, Reply } from '../../shared/contract';
import { dispatch } from './dispatch';

export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/** Is this frame one of ours (the built renderer, or the dev server in development)? */
export type TrustFrame = (url: string) => boolean;

export function attachIpc(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  trust: TrustFrame
): { broadcast<E extends EventName>(targets: WebContentsLike[], event: E, payload: EventPayloads[E]): void; detach(): void } {
  for (const name of REQUEST_NAMES) {
    const answer = async (event: { senderFrame: { url: string } | null }, args: unknown[]): Promise<Reply<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!trust(url)) return { ok: false, error: `request "${name}" refused: it did not come from the app's own page` };
      return dispatch(handlers, name, args);
    };
    ipcMain.handle(requestChannel(name), (event, ...args) => answer(event, args));
    ipcMain.handle(actChannel(name), async (event, ...args) => ackOf(await answer(event, args)));
  }
  return {
    broadcast(targets, event, payload) {
      for (const wc of targets) if (!wc.isDestroyed()) wc.send(eventChannel(event), payload);
    },
    detach() {
      for (const name of REQUEST_NAMES) {
        ipcMain.removeHandler(requestChannel(name));
        ipcMain.removeHandler(actChannel(name));
      }
    }
  };
}

