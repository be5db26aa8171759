// A TCP port on 127.0.0.1 that nothing listens on, for a server started next (a simulated PD, a
// test fixture, the bench's own cluster). The one copy: tests and scripts import it from here.
import { createServer } from 'node:net';

/** A port nothing listens on now: bound to port 0 (the OS picks), then released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      // Listening on a TCP host always gives an AddressInfo; a string is a pipe path.
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close((e) => (e ? reject(e) : port > 0 ? resolve(port) : reject(new Error('no TCP port was assigned'))));
    });
  });
}

/** Whether `port` on 127.0.0.1 can be listened on now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

/**
 * A base port whose every port from `portsOf(base)` is free now: the simulated cluster's PDs
 * publish base, base+2 and base+4 (pdHostPorts), and a free base alone says nothing of the others.
 */
export async function freePortSet(portsOf: (base: number) => readonly number[], tries = 50): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const base = await freePort();
    const ports = portsOf(base);
    if (ports.some((p) => p > 65_535)) continue;
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error(`no free set of ports found in ${tries} tries`);
}
