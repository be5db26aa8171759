// The simulated cluster (see README.md). Three programs share the core:
// - inproc/: the whole cluster in this process (the app's rehearsal mode, tests, serve.ts);
// - nodes/: one PD, TiKV or ycsb process per container (bundled into the simulator image);
// - containers/: the Docker orchestration that runs nodes/ as compose-like services.
export type { SimCluster, SimControl, SimOptions, SimProcess } from './types';
export { startSimCluster, type SimClusterExtras, type SimClusterHandle } from './inproc/cluster';
export { SimEngine } from './core/engine';
export { TIMINGS, type EngineOptions, type StoreStateName } from './core/model';
export { startPdServer, NO_LEADER_TEXT, type PdServer, type PdServerOptions } from './pd-api/server';
export { formatYcsbLines, type YcsbOpStats } from './core/workload';
