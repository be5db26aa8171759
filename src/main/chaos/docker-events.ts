// Docker's events stream for one compose project: its own client without an idle timeout,
// split into lines, reconnected with a short capped backoff. On stage, seconds without
// Docker's view matter more than a few extra calls.
import type Docker from 'dockerode';
import { splitLines } from './docker-targets';

export interface EventsStream {
  /** How many times the stream has (re)connected. */
  connects(): number;
  close(): void;
}

export function openEventsStream(opts: {
  streams: Docker;
  projectLabel: string;
  /** Each batch of complete event lines (JSON text). */
  onLines(lines: string[]): void;
  /** After each (re)connect: whatever happened while we were not listening must be re-listed. */
  onConnect(): void;
  log?: (line: string) => void;
}): EventsStream {
  let closed = false;
  let connects = 0;
  let stream: NodeJS.ReadableStream | null = null;
  let backoff = 250;
  let reconnectTimer: NodeJS.Timeout | null = null;
  const destroy = (s: NodeJS.ReadableStream | null): void => (s as unknown as { destroy?: () => void } | null)?.destroy?.();

  async function connect(): Promise<void> {
    if (closed) return;
    try {
      const s = await opts.streams.getEvents({
        filters: { type: ['container', 'network'], label: [opts.projectLabel] } as Docker.GetEventsOptions['filters']
      });
      if (closed) return destroy(s);
      stream = s;
      connects++;
      // A stream that ends at once (an engine shutting down still answers) is no success:
      // reset the backoff only once it has stayed up for a while.
      const steady = setTimeout(() => {
        if (stream === s) backoff = 250;
      }, 2000);
      let buffer = '';
      s.on('data', (chunk: Buffer) => {
        const { lines, rest } = splitLines(buffer, chunk.toString('utf8'));
        buffer = rest;
        if (lines.length) opts.onLines(lines);
      });
      const lost = (): void => {
        clearTimeout(steady);
        if (stream !== s) return;
        stream = null;
        scheduleReconnect();
      };
      s.on('end', lost);
      s.on('close', lost);
      s.on('error', lost);
      opts.onConnect();
    } catch (e) {
      opts.log?.(`docker: events stream failed: ${(e as Error).message}`);
      scheduleReconnect();
    }
  }
  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void connect();
    }, backoff);
    backoff = Math.min(backoff * 2, 2000);
  }

  void connect();
  return {
    connects: () => connects,
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      destroy(stream);
      stream = null;
    }
  };
}
