/// <reference types="vite/client" />
import type { StageApi } from '../../shared/contract';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge). Absent in browser mode, where the
     *  renderer talks to main over a WebSocket instead. */
    api?: StageApi;
  }
}

export {};
