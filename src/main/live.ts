// Live mode's Docker side, injected into the app. (Replaced by the full Docker chaos layer.)
import Docker from 'dockerode';
import type { LiveDeps } from './app';
import type { AppConfig } from './config';

export function createLiveDeps(config: AppConfig): LiveDeps {
  const docker = new Docker(config.dockerHost ? { socketPath: config.dockerHost.replace(/^unix:\/\//, '') } : undefined);
  return {
    async probeDocker() {
      try {
        await docker.ping();
        return { ok: true, detail: 'Docker answers' };
      } catch (e) {
        return { ok: false, detail: `no Docker engine answers (${(e as Error).message})` };
      }
    },
    async connectDocker() {
      return { ok: false, error: 'Docker chaos is not available yet' };
    }
  };
}
