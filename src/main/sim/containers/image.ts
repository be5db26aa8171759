// Builds the containerized simulator's image without a registry: a root filesystem with this
// machine's node binary, the shared libraries it links, and the simulator bundled into one
// file, turned into an image with `docker import`. The tag carries a hash of the contents, so
// an unchanged simulator is never rebuilt; older tags that no container uses are removed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { build } from 'vite';

/** The repository (this file is src/main/sim/containers/image.ts). */
export const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const SIM_REPO = 'tikv-stage-sim';
const ENTRY = join(ROOT, 'src', 'main', 'sim', 'nodes', 'node-main.ts');

/** Bundles the simulator's process entry into one CommonJS file with no dependencies. */
export async function bundleSimulator(outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'error',
    build: {
      ssr: ENTRY,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'cjs', entryFileNames: 'sim.cjs' } }
    },
    ssr: { noExternal: true, target: 'node' }
  });
  return join(outDir, 'sim.cjs');
}

/** The shared libraries a binary links, from ldd (the loader included). */
export function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  return docker
    .getImage(ref)
    .inspect()
    .then(() => true)
    .catch(() => false);
}

/** Builds (or finds) the image; returns its reference. */
export async function ensureSimImage(docker: Docker, log: (l: string) => void = () => {}): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'tikv-stage-sim-'));
  try {
    const bundle = await bundleSimulator(join(work, 'bundle'));
    const node = realpathSync(process.execPath);
    const libs = sharedLibraries(node);
    const hash = createHash('sha256');
    hash.update(readFileSync(bundle));
    hash.update(readFileSync(node));
    for (const l of libs) hash.update(l);
    const ref = `${SIM_REPO}:${hash.digest('hex').slice(0, 12)}`;
    if (await imageExists(docker, ref)) return ref;

    log(`building image ${ref} (node ${process.version} + the simulator) with docker import`);
    await importNodeImage(docker, ref, work, [{ src: bundle, dest: '/app/sim.cjs' }], [
      'ENTRYPOINT ["/usr/local/bin/node", "/app/sim.cjs"]',
      'ENV NODE_ENV=production'
    ]);
    if (!(await imageExists(docker, ref))) throw new Error(`docker import did not produce ${ref}`);
    await pruneOldSimImages(docker, ref, log);
    return ref;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Makes an image from a root filesystem holding this machine's node binary (at
 * /usr/local/bin/node), the shared libraries it links, and `extra` files: `docker import`,
 * so no registry is needed.
 */
export async function importNodeImage(
  docker: Docker,
  ref: string,
  workDir: string,
  extra: { src: string; dest: string }[] = [],
  changes: string[] = []
): Promise<void> {
  const rootfs = join(workDir, 'rootfs');
  const put = (src: string, dest: string): void => {
    mkdirSync(dirname(join(rootfs, dest)), { recursive: true });
    copyFileSync(src, join(rootfs, dest));
  };
  const node = realpathSync(process.execPath);
  put(node, '/usr/local/bin/node');
  for (const l of sharedLibraries(node)) put(realpathSync(l), l);
  for (const f of extra) put(f.src, f.dest);
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/false\n');
  const tar = join(workDir, 'rootfs.tar');
  execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
  const [repo, tag] = ref.split(':') as [string, string];
  const stream = await docker.importImage(tar, { repo, tag, changes } as unknown as Record<string, unknown>);
  await followProgress(docker, stream);
}

/**
 * Removes older tikv-stage-sim tags (each ~100 MB, one per simulator change) that no container
 * uses. Never forced: an image a container still uses (even a stopped one) stays.
 */
export async function pruneOldSimImages(docker: Docker, keep: string, log: (l: string) => void = () => {}): Promise<string[]> {
  const removed: string[] = [];
  const images = await docker.listImages({ filters: { reference: [SIM_REPO] } }).catch(() => []);
  for (const img of images) {
    for (const tag of img.RepoTags ?? []) {
      if (tag === keep || !tag.startsWith(`${SIM_REPO}:`)) continue;
      try {
        await docker.getImage(tag).remove();
        removed.push(tag);
        log(`removed the unused older image ${tag}`);
      } catch {
        // In use by a container, or already gone: leave it.
      }
    }
  }
  return removed;
}

/** Waits for a progress stream; per-line {error} messages fail it (HTTP stays 200). */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((ok, fail) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string }[]) => {
        const lineError = output?.find((o) => o.error)?.error;
        if (err || lineError) fail(err ?? new Error(lineError));
        else ok();
      },
      () => {}
    );
  });
}
