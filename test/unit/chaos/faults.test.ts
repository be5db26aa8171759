import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChaosDriver } from '../../../src/main/chaos/driver';
import { fakeDriver } from './fake-driver';
import { createFaultService } from '../../../src/main/chaos/faults';
import { openLedger, parseLedger } from '../../../src/main/chaos/ledger';

const tmpLedger = (): string => join(mkdtempSync(join(tmpdir(), 'ledger-')), 'fault-ledger.jsonl');

describe('fault service', () => {
  it('writes the ledger before applying, and marks restored after', async () => {
    const path = tmpLedger();
    const ledger = openLedger(path);
    const { driver } = fakeDriver();
    let seenOnDisk = '';
    const wrapped: ChaosDriver = {
      ...driver,
      apply: async (k, n) => {
        seenOnDisk = readFileSync(path, 'utf8');
        return driver.apply(k, n);
      }
    };
    const svc = createFaultService({ driver: wrapped, ledger, scope: 'demo', pdLeader: () => 'pd1', random: () => 0.5 });
    const f = await svc.inject({ kind: 'kill', target: { type: 'random-tikv' } });
    expect(f.node).toBe('tikv1');
    expect(seenOnDisk).toContain('"op":"open"');
    expect(seenOnDisk).toContain('tikv1');
    expect(svc.unresolved().map((r) => r.node)).toEqual(['tikv1']);
    await svc.restore(f.id);
    expect(svc.unresolved()).toEqual([]);
    expect(parseLedger(readFileSync(path, 'utf8')).entries.map((e) => e.op)).toEqual(['open', 'restored']);
  });

  it('picks only running TiKV nodes without an open fault', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver, procs } = fakeDriver();
    procs.get('tikv0')!.state = 'exited';
    const svc = createFaultService({ driver, ledger, scope: 'demo', pdLeader: () => null, random: () => 0 });
    const a = await svc.inject({ kind: 'kill', target: { type: 'random-tikv' }, allowQuorumLoss: true });
    expect(a.node).toBe('tikv1');
    const b = await svc.inject({ kind: 'pause', target: { type: 'random-tikv' }, allowQuorumLoss: true });
    expect(b.node).toBe('tikv2');
    await expect(svc.inject({ kind: 'kill', target: { type: 'random-tikv' }, allowQuorumLoss: true })).rejects.toThrow(/no running TiKV/);
  });

  it('refuses a second fault on the same node, and an unknown PD leader', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver } = fakeDriver();
    const svc = createFaultService({ driver, ledger, scope: 'demo', pdLeader: () => null });
    await svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv2' } });
    await expect(svc.inject({ kind: 'pause', target: { type: 'named', name: 'tikv2' } })).rejects.toThrow(/already has a fault open/);
    await expect(svc.inject({ kind: 'kill', target: { type: 'pd-leader' } })).rejects.toThrow(/PD leader is not known/);
  });

  it('kills the PD leader by name', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver, calls } = fakeDriver();
    const svc = createFaultService({ driver, ledger, scope: 'demo', pdLeader: () => 'pd2' });
    const f = await svc.inject({ kind: 'kill', target: { type: 'pd-leader' } });
    expect(f.node).toBe('pd2');
    expect(calls).toEqual(['kill pd2']);
  });

  it('records a failed apply and still undoes it on restore all', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver, calls, fail } = fakeDriver();
    const svc = createFaultService({ driver, ledger, scope: 'demo', pdLeader: () => null });
    fail('engine hiccup');
    await expect(svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } })).rejects.toThrow(
      /kill tikv0 \(tikv0\) failed: engine hiccup/
    );
    expect(svc.unresolved()[0]?.status).toBe('failed');
    const res = await svc.restoreAll();
    expect(res.restored.map((r) => r.node)).toEqual(['tikv0']);
    expect(calls).toContain('undo-kill tikv0');
  });

  it('restores everything in parallel and is idempotent', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver, procs } = fakeDriver();
    const svc = createFaultService({ driver, ledger, scope: 'demo', pdLeader: () => null });
    await svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    await svc.inject({ kind: 'pause', target: { type: 'named', name: 'tikv1' }, allowQuorumLoss: true });
    await svc.inject({ kind: 'partition', target: { type: 'named', name: 'tikv2' }, allowQuorumLoss: true });
    const res = await svc.restoreAll();
    expect(res.failed).toEqual([]);
    expect(res.restored.map((r) => r.node).sort()).toEqual(['tikv0', 'tikv1', 'tikv2']);
    expect([...procs.values()].every((p) => p.state === 'running' && !p.partitioned)).toBe(true);
    expect((await svc.restoreAll()).restored).toEqual([]);
  });

  it('survives a restart: a new service on the same ledger sees open faults; scopes stay apart', async () => {
    const path = tmpLedger();
    const { driver } = fakeDriver();
    const first = createFaultService({ driver, ledger: openLedger(path), scope: 'demo', pdLeader: () => null });
    await first.inject({ kind: 'kill', target: { type: 'named', name: 'tikv1' } });
    appendFileSync(path, '{"op":"open","id":"torn'); // a crash mid-write
    const again = createFaultService({ driver, ledger: openLedger(path), scope: 'demo', pdLeader: () => null });
    expect(again.unresolved().map((r) => r.node)).toEqual(['tikv1']);
    const other = createFaultService({ driver, ledger: openLedger(path), scope: 'other', pdLeader: () => null });
    expect(other.unresolved()).toEqual([]);
    await again.restoreAll();
    expect(createFaultService({ driver, ledger: openLedger(path), scope: 'demo', pdLeader: () => null }).unresolved()).toEqual([]);
  });
});
