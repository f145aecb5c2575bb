/** A TCP port free right now (the system picks it; a probe listens on it, then lets it go). */
import { createServer } from 'node:net';

export function freePort(host?: string): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
