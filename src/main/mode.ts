// Choosing between the real cluster and the simulated one. A fallback to sim is never silent:
// the reason always reaches the presenter view.
import { request } from 'undici';
import type { Mode } from '../shared/cluster';
import type { ModeChoice } from './config';

export interface Probe {
  ok: boolean;
  /** Plain words: what answered, or what is missing and how to fix it. */
  detail: string;
}

export interface ModeDecision {
  mode: Mode;
  reason: string;
}

/** Pure: the decision from the flags and what the probes found. */
export function decideMode(choice: ModeChoice, docker: Probe | null, pd: Probe | null): ModeDecision {
  if (choice === 'sim') return { mode: 'sim', reason: 'simulated cluster (--mode sim)' };
  if (choice === 'live') {
    const problems = [docker, pd].filter((p): p is Probe => p !== null && !p.ok).map((p) => p.detail);
    return {
      mode: 'live',
      reason: problems.length ? `live (--mode live), but: ${problems.join('; ')}` : `live: ${docker?.detail}; ${pd?.detail}`
    };
  }
  if (docker?.ok && pd?.ok) return { mode: 'live', reason: `live: ${docker.detail}; ${pd.detail}` };
  const missing = [docker, pd].filter((p): p is Probe => p !== null && !p.ok).map((p) => p.detail);
  return { mode: 'sim', reason: `simulated cluster, because ${missing.join('; ') || 'the real cluster did not answer'}` };
}

/** Is PD answering at this URL? Bounded to about 1.5 s. */
export async function probePd(pdUrl: string): Promise<Probe> {
  try {
    const res = await request(`${pdUrl}/pd/api/v1/ping`, {
      signal: AbortSignal.timeout(1500),
      headersTimeout: 1500,
      bodyTimeout: 1500
    });
    await res.body.dump();
    if (res.statusCode === 200) return { ok: true, detail: `PD answers at ${pdUrl}` };
    return { ok: false, detail: `PD at ${pdUrl} answered ${res.statusCode}` };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code ?? (e as Error).name;
    return {
      ok: false,
      detail: `PD is not answering at ${pdUrl} (${why}); start the cluster with: docker compose -f docker-compose.tikv.yml up -d`
    };
  }
}
