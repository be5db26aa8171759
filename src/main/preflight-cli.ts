// `npm run preflight`: the preflight board on the terminal. Exit code 0 only when all is green.
import { join } from 'node:path';
import { openLedger } from './chaos/ledger';
import { realEngineEnv, resolveEngine } from './chaos/docker-engine';
import { DEFAULT_PD, USAGE, parseConfig } from './config';
import { publishedPdUrls } from './live';
import { appRoot, defaultDataDir } from './paths';
import { evaluatePreflight, gatherPreflight } from './preflight';
import { LABEL_PROJECT } from './chaos/docker-targets';

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`preflight: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const { config } = parsed;
  const engine = await resolveEngine(realEngineEnv(config.dockerHost));
  let pdUrl = config.pd ?? DEFAULT_PD;
  if (!config.pd && engine.ok) {
    const list = await engine.engine.docker.listContainers({ all: true, filters: { label: [`${LABEL_PROJECT}=${config.project}`] } });
    pdUrl = publishedPdUrls(list, config.project)[0] ?? pdUrl;
  }
  const ledger = openLedger(join(config.dataDir ?? defaultDataDir(), 'fault-ledger.jsonl'));
  const facts = await gatherPreflight({
    project: config.project,
    composeFile: 'docker-compose.tikv.yml',
    composePath: join(appRoot(__dirname), 'docker-compose.tikv.yml'),
    // pd.toml's persisted settings, set through PD's API where the running cluster differs.
    pdTomlPath: join(appRoot(__dirname), 'resources', 'cluster', 'pd.toml'),
    applyPdConfig: true,
    engine,
    pdUrl,
    openFaults: ledger.unresolved(config.project).map((r) => `${r.spec.kind} ${r.node}`)
  });
  const report = evaluatePreflight(facts, Date.now());
  for (const l of report.lines) {
    console.log(`${l.ok ? '✓' : '✗'} ${l.title}: ${l.detail}`);
    if (!l.ok && l.fix) console.log(`    fix: ${l.fix}`);
  }
  console.log(report.ok ? '\nGO: everything is green.' : '\nNO-GO: fix the red lines above.');
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`preflight: ${(e as Error).message}`);
    process.exit(1);
  }
);
