// Browser mode (`npm run web`): the same services as the Electron app, served to a browser
// on 127.0.0.1. Plain Node: this file and everything it imports never import `electron`.
import { join } from 'node:path';
import { createStage } from './stage';
import { USAGE, parseConfig } from './config';
import { createLiveDeps } from './live';
import { appRoot, builtinDeckPath, defaultDataDir } from './paths';
import { installProcessGuard } from './transport/process-guard';
import { startWebServer } from './transport/web-server';

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`tikv-stage: ${parsed.error}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const config = parsed.config;
  const root = appRoot(__dirname);
  // Nothing may end the process mid-talk: an error nobody caught goes to the presenter view
  // (errors before the stage is up are only logged).
  let report: ((message: string) => void) | null = null;
  installProcessGuard((message) => report?.(message));
  const stage = await createStage({
    config,
    dataDir: config.dataDir ?? defaultDataDir(),
    builtinDeck: builtinDeckPath(root),
    live: createLiveDeps(config)
  });
  const server = await startWebServer({
    port: config.port,
    rendererDir: join(root, 'out', 'renderer'),
    handlers: stage.handlers,
    state: stage.state
  });
  stage.subscribe((event, payload) => server.broadcast(event, payload));
  report = (message) => stage.reportError(message);
  console.log(`tikv-stage: ${stage.mode} mode — audience view ${server.url}/  presenter view ${server.url}/presenter`);

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    console.log(`tikv-stage: ${signal}, shutting down`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    await server.close().catch(() => undefined);
    await stage.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`tikv-stage: ${(e as Error).message}`);
  process.exit(1);
});
