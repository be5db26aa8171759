// The presenter's chaos buttons: what each one asks main for, and what it says. Pure.
import type { FaultSpec } from '../../../shared/actions';
import { FAULT_KINDS, FAULT_WORDS } from '../../../shared/vocabulary';

export interface FaultButton {
  key: string;
  spec: FaultSpec;
  label: string;
  /** What the confirm step says: "kill tikv1", "kill the PD leader (pd2)". */
  confirm: string;
}

/** Buttons for a random TiKV, each named TiKV (natural order) and the PD leader. */
export function faultButtons(tikvNames: readonly string[], pdLeader: string | null): { random: FaultButton[]; named: { name: string; buttons: FaultButton[] }[]; pd: FaultButton } {
  const random = FAULT_KINDS.map((kind) => ({
    key: `random-${kind}`,
    spec: { kind, target: { type: 'random-tikv' as const } },
    label: `${FAULT_WORDS[kind].verb} random`,
    confirm: `${kind} a random TiKV`
  }));
  const names = [...new Set(tikvNames)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const named = names.map((name) => ({
    name,
    buttons: FAULT_KINDS.map((kind) => ({
      key: `${name}-${kind}`,
      spec: { kind, target: { type: 'named' as const, name } },
      label: FAULT_WORDS[kind].verb,
      confirm: `${kind} ${name}`
    }))
  }));
  const pd: FaultButton = {
    key: 'pd-leader-kill',
    spec: { kind: 'kill', target: { type: 'pd-leader' } },
    label: `Kill PD leader${pdLeader ? ` (${pdLeader})` : ''}`,
    confirm: `kill the PD leader${pdLeader ? ` (${pdLeader})` : ''}`
  };
  return { random, named, pd };
}
