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
