// Which containers chaos may touch: only those of the configured compose project whose
// compose service is a demo role (pd0.., tikv0..). Decided from compose labels only, never
// from container names: a bystander called "tikv-something" or an unlabelled "tikv0" is not ours.
import type { ContainerState } from '../../shared/cluster';
import { NODE_NAME } from '../../shared/vocabulary';

export const LABEL_PROJECT = 'com.docker.compose.project';
export const LABEL_SERVICE = 'com.docker.compose.service';
export const LABEL_ONEOFF = 'com.docker.compose.oneoff';

const ROLE = NODE_NAME;

export function isDemoService(service: string | undefined): service is string {
  return service !== undefined && ROLE.test(service);
}

/** The node name (= compose service) when this container is a demo target, else null. */
export function demoNodeName(labels: Record<string, string> | undefined, project: string): string | null {
  if (!labels) return null;
  if (labels[LABEL_PROJECT] !== project) return null;
  if ((labels[LABEL_ONEOFF] ?? 'False').toLowerCase() === 'true') return null;
  const service = labels[LABEL_SERVICE];
  return isDemoService(service) ? service : null;
}

export function roleOf(name: string): 'pd' | 'tikv' {
  return name.startsWith('pd') ? 'pd' : 'tikv';
}

/** Docker's container State (list "State" or inspect "State.Status") in the map's words. */
export function containerState(status: string | undefined): ContainerState {
  switch (status) {
    case 'running':
    case 'restarting':
      return 'running';
    case 'paused':
      return 'paused';
    case 'exited':
    case 'dead':
    case 'created':
    case 'removing':
      return 'exited';
    default:
      return 'unknown';
  }
}

/** Splits an NDJSON stream's chunks into complete lines; chunk boundaries are arbitrary. Pure. */
export function splitLines(buffer: string, chunk: string): { lines: string[]; rest: string } {
  const text = buffer + chunk;
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((l) => l.trim()).filter(Boolean), rest };
}

/** What one Docker event says about a demo node, before a re-list can confirm it. */
export interface EventHint {
  name: string;
  state?: ContainerState;
  partitioned?: boolean;
}

const ACTION_STATE: Record<string, ContainerState> = {
  die: 'exited',
  stop: 'exited',
  start: 'running',
  restart: 'running',
  pause: 'paused',
  unpause: 'running'
};

/**
 * Reads one events-stream line. Container events carry every label, so the node is found by
 * compose labels as everywhere else; network events name the container by id only, resolved
 * through the last listing. Pure.
 */
export function eventHint(line: string, project: string, nameOfId: (id: string) => string | undefined, network: string | null): EventHint | null {
  let e: { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, string> } };
  try {
    e = JSON.parse(line) as typeof e;
  } catch {
    return null;
  }
  const action = typeof e.Action === 'string' ? e.Action : '';
  const attrs = e.Actor?.Attributes ?? {};
  if (e.Type === 'container') {
    const name = demoNodeName(attrs, project);
    const state = ACTION_STATE[action];
    return name && state ? { name, state } : null;
  }
  if (e.Type === 'network' && (action === 'disconnect' || action === 'connect')) {
    if (network !== null && attrs.name !== network) return null;
    const name = attrs.container ? nameOfId(attrs.container) : undefined;
    return name ? { name, partitioned: action === 'disconnect' } : null;
  }
  return null;
}
