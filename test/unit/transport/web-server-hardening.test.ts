// Browser mode under hostile or broken clients: malformed targets, bad encodings, foreign
// origins, and a client that writes and never reads. The server must answer and stay small.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppState } from '../../../src/shared/contract';
import type { ActionLogEntry } from '../../../src/shared/show';
import type { Handlers } from '../../../src/main/transport/dispatch';
import { requestPath, startWebServer, type WebServer, type WebServerOptions } from '../../../src/main/transport/web-server';
import { createClientQueue } from '../../../src/main/transport/client-queue';
import { describeThrown, installProcessGuard } from '../../../src/main/transport/process-guard';

/** A state of a given size: replies to getState cost this much each. */
function bigState(bytes: number): AppState {
  return { show: { index: 0, pad: 'x'.repeat(bytes) }, cluster: { mode: 'sim' }, log: [] } as unknown as AppState;
}

/** Every request answers with the state (whatever names the contract grows). */
function anyHandlers(state: () => AppState): Handlers {
  return new Proxy({} as Handlers, { get: () => async () => state() });
}

let server: WebServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(over: Partial<WebServerOptions> = {}): Promise<WebServer> {
  const dir = mkdtempSync(join(tmpdir(), 'web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  const state = bigState(100);
  server = await startWebServer({ port: 0, rendererDir: dir, handlers: anyHandlers(() => state), state: () => state, ...over });
  return server;
}

/** Sends raw bytes, returns everything the server answered until it closed (or 1 s passed). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = (): void => {
      s.destroy();
      ok(got);
    };
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('end', done);
    s.on('error', done);
    s.setTimeout(1000, done);
    s.write(text);
  });
}

const get = (port: number, target: string, headers = ''): Promise<string> =>
  raw(port, `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\n${headers}\r\n`);

const upgrade = (port: number, target: string, headers = ''): Promise<string> =>
  raw(
    port,
    `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: Upgrade\r\nupgrade: websocket\r\n` +
      `sec-websocket-version: 13\r\nsec-websocket-key: ${randomBytes(16).toString('base64')}\r\n${headers}\r\n`
  );

describe('request targets', () => {
  it('reads only origin-form paths with valid %-encoding', () => {
    expect(requestPath('/a%20b?x=1')).toBe('/a b');
    expect(requestPath('//[')).toBeNull();
    expect(requestPath('/%')).toBeNull();
    expect(requestPath('/%E0%A4%A')).toBeNull();
    expect(requestPath('http://evil/')).toBeNull();
    expect(requestPath('*')).toBeNull();
    expect(requestPath(undefined)).toBe('/');
  });
});

describe('the web server under malformed input', () => {
  it('survives an upgrade to //[ (from the ws client and raw), and answers afterwards', async () => {
    const s = await start();
    const outcome = await new Promise<string>((ok) => {
      const ws = new WebSocket(`ws://127.0.0.1:${s.port}//[`);
      ws.on('open', () => ok('open'));
      ws.on('unexpected-response', (_req, res) => ok(`status ${res.statusCode}`));
      ws.on('error', (e) => ok(`error ${e.message}`));
    });
    expect(outcome).toMatch(/403/);
    for (const target of ['//[', '/%', '*', 'http://x/ws', '/ws/../%zz', '/w%00s'])
      expect(await upgrade(s.port, target)).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(await get(s.port, '/api/state')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers bad %-encoding with 400 and a body, and garbage with 400', async () => {
    const s = await start();
    for (const target of ['/%', '/%zz', '/a%E0%A4%A', '//[']) {
      const r = await get(s.port, target);
      expect(r).toMatch(/^HTTP\/1\.1 400 /);
      expect(r).toMatch(/\r\n\r\nbad request: the path is not a valid URL path/);
    }
    expect(await raw(s.port, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await get(s.port, '/index.html')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('checks Host and Origin first on every path', async () => {
    const s = await start();
    expect(await raw(s.port, `GET /% HTTP/1.1\r\nhost: evil.example\r\nconnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 421 /);
    expect(await get(s.port, '/api/state', 'origin: https://evil.example\r\n')).toMatch(/^HTTP\/1\.1 403 /);
    expect(await upgrade(s.port, '/ws', 'origin: https://evil.example\r\n')).toMatch(/^HTTP\/1\.1 403 /);
    expect(await upgrade(s.port, '/ws', 'origin: null\r\n')).toMatch(/^HTTP\/1\.1 403 /);
    expect(await upgrade(s.port, '/ws', `origin: http://127.0.0.1:${s.port}\r\n`)).toMatch(/^HTTP\/1\.1 101 /);
    // An <img> or <script> of another page sends no Origin, but says where it came from.
    for (const site of ['cross-site', 'same-site'])
      for (const path of ['/api/state', '/deck-assets/x.png', '/'])
        expect(await get(s.port, path, `sec-fetch-site: ${site}\r\n`), `${site} ${path}`).toMatch(/^HTTP\/1\.1 403 /);
    expect(await get(s.port, '/api/state', 'sec-fetch-site: same-origin\r\n')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await get(s.port, '/api/state', 'sec-fetch-site: none\r\n')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers frames of any shape, and a failing state() is an error reply, not a crash', async () => {
    let fail = false;
    const state = bigState(10);
    const s = await start({
      handlers: anyHandlers(() => {
        if (fail) throw new Error('boom');
        return state;
      })
    });
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws`);
    const replies: unknown[] = [];
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as { type: string };
      if (f.type === 'reply') replies.push(f);
    });
    await new Promise((ok) => ws.on('open', ok));
    fail = true;
    for (const frame of ['nope', 'null', '[]', '{"id":1}', '{"id":2,"request":"getState","args":[]}', '{"id":3,"request":"__proto__","args":{}}'])
      ws.send(frame);
    ws.send(Buffer.from([0, 1, 2]), { binary: true });
    await expect.poll(() => replies.length).toBe(7);
    expect(replies).toContainEqual({ type: 'reply', id: 2, reply: { ok: false, error: 'boom' } });
    ws.close();
  });
});

/** A WebSocket client by hand: handshake, masked text frames, and it never reads a byte. */
async function deafClient(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  await new Promise((ok) => s.once('connect', ok));
  s.write(
    `GET /ws HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: Upgrade\r\nupgrade: websocket\r\n` +
      `sec-websocket-version: 13\r\nsec-websocket-key: ${randomBytes(16).toString('base64')}\r\n\r\n`
  );
  await new Promise((ok) => s.once('data', ok)); // the 101; after this it stops reading
  s.pause();
  return s;
}

function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

describe('backpressure', () => {
  it('20 000 getState from a client that never reads cost the server < 64 MB, and it is dropped', async () => {
    // 40 kB per reply: without a bound this is 800 MB of queued replies.
    const state = bigState(40_000);
    const s = await start({ handlers: anyHandlers(() => state), state: () => state, backpressure: { slowMs: 1500 } });
    const before = process.memoryUsage();
    const sock = await deafClient(s.port);
    const frames: Buffer[] = [];
    for (let id = 0; id < 20_000; id++) frames.push(frame(`{"id":${id},"request":"getState","args":[]}`));
    sock.write(Buffer.concat(frames));
    let peak = 0;
    const started = Date.now();
    while (s.clients() > 0 && Date.now() - started < 8000) {
      await new Promise((r) => setTimeout(r, 100));
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - (before.heapUsed + before.arrayBuffers));
      for (const st of s.clientStats()) expect(st.backlogBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    }
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    // It stayed behind past slowMs: the server let it go.
    await expect.poll(() => s.clients(), { timeout: 5000 }).toBe(0);
    sock.destroy();
  }, 30_000);

  it('a slow client gets only the latest of each event while behind', async () => {
    let buffered = 0;
    const sent: string[] = [];
    let paused = 0;
    let terminated = false;
    let t = 0;
    const q = createClientQueue(
      {
        get bufferedAmount() {
          return buffered;
        },
        send: (text) => sent.push(text),
        pause: () => paused++,
        resume: () => undefined,
        terminate: () => (terminated = true),
        isOpen: () => true
      },
      async (d) => `reply ${d}`,
      { highWater: 100, lowWater: 10, slowMs: 5000, checkMs: 10_000, now: () => t }
    );
    q.event('show', 'show 1');
    buffered = 500; // the client stops reading
    for (let i = 2; i <= 50; i++) q.event('show', `show ${i}`);
    q.event('cluster', 'cluster 1');
    q.event('cluster', 'cluster 2');
    expect(q.stats().pendingEvents).toBe(2);
    expect(sent).toEqual(['show 1']);
    q.request('r1');
    expect(q.stats().backlog).toBe(1);
    expect(paused).toBe(1);
    // A frame made on sending (the whole log): one replaced while waiting is never made.
    let made = 0;
    for (let i = 1; i <= 100; i++)
      q.event('whole', () => {
        made++;
        return `whole ${i}`;
      });
    expect(made).toBe(0);
    buffered = 0; // it caught up
    t = 1000;
    q.event('log', 'log 1');
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['show 1', 'show 50', 'cluster 2', 'whole 100', 'log 1', 'reply r1']);
    expect(made).toBe(1);
    // Behind for longer than slowMs: dropped.
    buffered = 500;
    q.event('show', 'show 51');
    t = 7000;
    q.event('show', 'show 52');
    expect(terminated).toBe(true);
    q.close();
  });
});

describe('process guard', () => {
  it('hands uncaught errors and rejections to the callback and never exits', () => {
    const listeners = new Map<string, (r: unknown) => void>();
    const proc = {
      on: (e: string, l: (r: unknown) => void) => listeners.set(e, l),
      off: (e: string) => listeners.delete(e)
    };
    const seen: string[] = [];
    const logged: string[] = [];
    const guard = installProcessGuard((m) => seen.push(m), { proc, log: (l) => logged.push(l) });
    listeners.get('uncaughtException')!(new TypeError('Invalid URL'));
    listeners.get('unhandledRejection')!('just a string');
    expect(seen).toEqual([
      'unexpected error (uncaught exception): TypeError: Invalid URL',
      'unexpected error (unhandled rejection): just a string'
    ]);
    expect(logged[0]).toMatch(/TypeError: Invalid URL/);
    expect(guard.count()).toBe(2);
    guard.uninstall();
    expect(listeners.size).toBe(0);
    expect(describeThrown({ a: 1 })).toBe('{"a":1}');
  });

  it('keeps a real process alive through a thrown error', async () => {
    const seen: string[] = [];
    const guard = installProcessGuard((m) => seen.push(m), { log: () => undefined });
    // vitest installs its own handlers; ours must see the error too.
    process.emit('uncaughtException', new Error('from a timer'));
    guard.uninstall();
    expect(seen).toEqual(['unexpected error (uncaught exception): Error: from a timer']);
  });
});

/** Complete server frames (text, unmasked) in a byte stream; the rest waits for more bytes, and
 *  `need` says how many the next frame takes once its header is in (10: the longest header). */
function readFrames(buf: Buffer): { texts: string[]; rest: Buffer; need: number } {
  const texts: string[] = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    let len = buf[at + 1]! & 0x7f;
    let head = 2;
    if (len === 126) {
      if (buf.length - at < 4) break;
      len = buf.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (buf.length - at < 10) break;
      len = Number(buf.readBigUInt64BE(at + 2));
      head = 10;
    }
    if (buf.length - at < head + len) return { texts, rest: buf.subarray(at), need: head + len };
    if ((buf[at]! & 0x0f) === 1) texts.push(buf.subarray(at + head, at + head + len).toString('utf8'));
    at += head + len;
  }
  return { texts, rest: buf.subarray(at), need: 10 };
}

describe('backpressure and the action log', () => {
  it('a client that falls behind while log lines are appended still ends with every line, in order', async () => {
    const entries: ActionLogEntry[] = [];
    let stateReads = 0;
    const state = (): AppState => {
      stateReads++;
      return { ...bigState(10), log: entries } as AppState;
    };
    const s = await start({ handlers: anyHandlers(state), state, backpressure: { slowMs: 60_000 } });
    const sock = await deafClient(s.port);
    await expect.poll(() => s.clients()).toBe(1);
    const pad = 'x'.repeat(64_000); // 25 MB in all: more than the kernel's loopback buffers take
    const readsBefore = stateReads;
    for (let seq = 1; seq <= 400; seq++) {
      const e: ActionLogEntry = { seq, at: seq, what: `step ${seq}`, outcome: 'info', detail: pad };
      entries.push(e);
      s.broadcast('logEntry', e);
    }
    expect(s.clientStats()[0]?.pendingEvents).toBeGreaterThan(0); // it did fall behind
    // The whole log (25 MB here) is written out when it is sent, not once per line behind.
    expect(stateReads - readsBefore).toBeLessThanOrEqual(1);
    let chunks: Buffer[] = [];
    let have = 0;
    let need = 0;
    let log: ActionLogEntry[] = [];
    sock.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      // A 25 MB frame arrives in many chunks: joined once it is all in, not once per chunk.
      if (have < need) return;
      const r = readFrames(Buffer.concat(chunks));
      chunks = [r.rest];
      have = r.rest.length;
      need = r.need;
      for (const t of r.texts) {
        const f = JSON.parse(t) as { type: string; event?: string; payload?: unknown };
        if (f.event === 'log') log = [...(f.payload as ActionLogEntry[])];
        if (f.event === 'logEntry') log.push(f.payload as ActionLogEntry);
      }
    });
    sock.resume();
    await expect.poll(() => log.at(-1)?.seq, { timeout: 10_000 }).toBe(400);
    expect(log.map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
    sock.destroy();
  }, 30_000);
});

describe('what each view is sent', () => {
  /** A client on `target` that records the names of the events it is sent. */
  async function listen(port: number, target: string): Promise<{ events: string[]; ws: WebSocket }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${target}`);
    const events: string[] = [];
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as { type: string; event?: string };
      if (f.type === 'event' && f.event) events.push(f.event);
    });
    await new Promise((ok, fail) => {
      ws.once('open', ok);
      ws.once('error', fail);
    });
    return { events, ws };
  }

  it('the audience (/ws?view=audience) is not sent the action log, on connect or after; the presenter and a script are', async () => {
    const s = await start();
    const audience = await listen(s.port, '/ws?view=audience');
    const presenter = await listen(s.port, '/ws');
    const script = await listen(s.port, '/ws?view=something-else');
    await expect.poll(() => presenter.events.length).toBeGreaterThan(0);
    const entry: ActionLogEntry = { seq: 1, at: 1, what: 'next', outcome: 'ok', detail: '' };
    s.broadcast('logEntry', entry);
    s.broadcast('log', [entry]);
    s.broadcast('cluster', { mode: 'sim' } as unknown as AppState['cluster']);
    await expect.poll(() => [audience, presenter, script].map((c) => c.events.at(-1))).toEqual(['cluster', 'cluster', 'cluster']);
    expect(audience.events).not.toContain('log');
    expect(audience.events).not.toContain('logEntry');
    for (const c of [presenter, script]) expect(c.events.filter((e) => e === 'log' || e === 'logEntry')).toEqual(['log', 'logEntry', 'log']);
    for (const c of [audience, presenter, script]) c.ws.close();
  });
});
