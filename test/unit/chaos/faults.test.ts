import { mkdtempSync, readFileSync, appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChaosDriver } from '../../../src/main/chaos/driver';
import { fakeDriver } from './fake-driver';
import { createFaultService } from '../../../src/main/chaos/faults';
import { compactLedger, COMPACT_KEEP_RESTORED, COMPACT_OVER_LINES, openLedger, parseLedger, type LedgerEntry } from '../../../src/main/chaos/ledger';

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

  it('Restore all pressed during an inject: the one being applied is undone once it lands, a queued one never runs', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver, procs, calls, delay } = fakeDriver();
    delay(200);
    const svc = createFaultService({ driver, ledger, scope: 'demo', pdLeader: () => null });
    const applying = svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    while (!calls.includes('kill tikv0')) await new Promise((r) => setTimeout(r, 5)); // written, now applying
    const queued = svc.inject({ kind: 'pause', target: { type: 'named', name: 'tikv2' } }).then(
      () => 'injected',
      (e: Error) => e.message
    );
    const res = await svc.restoreAll();
    await expect(applying).resolves.toMatchObject({ node: 'tikv0' });
    expect(await queued).toBe('refused: Restore all was pressed after this fault was asked for, so it was not injected');
    expect(res.restored.map((r) => r.node)).toEqual(['tikv0']);
    expect(res.failed).toEqual([]);
    expect(svc.unresolved()).toEqual([]);
    expect([...procs.values()].every((p) => p.state === 'running')).toBe(true);
    expect(calls).toEqual(['kill tikv0', 'undo-kill tikv0']);
    // The next inject, asked after the press, runs as usual.
    delay(0);
    await expect(svc.inject({ kind: 'pause', target: { type: 'named', name: 'tikv2' } })).resolves.toMatchObject({ node: 'tikv2' });
  });

  it('Restore all pressed while an inject is still deciding (nothing on the ledger yet) undoes it once it lands', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver, procs } = fakeDriver();
    let listed = false;
    const slowList: ChaosDriver = {
      ...driver,
      list: async () => {
        listed = true;
        await new Promise((r) => setTimeout(r, 100));
        return driver.list();
      }
    };
    const svc = createFaultService({ driver: slowList, ledger, scope: 'demo', pdLeader: () => null });
    const deciding = svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    while (!listed) await new Promise((r) => setTimeout(r, 5));
    expect(ledger.records()).toEqual([]);
    const res = await svc.restoreAll();
    await expect(deciding).resolves.toMatchObject({ node: 'tikv0' });
    expect(res.restored.map((r) => r.node)).toEqual(['tikv0']);
    expect(procs.get('tikv0')?.state).toBe('running');
    expect(svc.unresolved()).toEqual([]);
  });

  it('a fault asked for while Restore all runs waits for it, and is not undone by it', async () => {
    const ledger = openLedger(tmpLedger());
    const { driver, procs } = fakeDriver();
    const slowUndo: ChaosDriver = {
      ...driver,
      undo: async (k, n) => {
        await new Promise((r) => setTimeout(r, 100));
        return driver.undo(k, n);
      }
    };
    const svc = createFaultService({ driver: slowUndo, ledger, scope: 'demo', pdLeader: () => null });
    await svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    const all = svc.restoreAll();
    await new Promise((r) => setTimeout(r, 20)); // Restore all is undoing tikv0
    const later = await svc.inject({ kind: 'pause', target: { type: 'named', name: 'tikv2' } });
    const res = await all;
    expect(res.restored.map((r) => r.node)).toEqual(['tikv0']);
    expect(svc.unresolved().map((r) => r.id)).toEqual([later.id]);
    expect(procs.get('tikv2')?.state).toBe('paused');
    expect(procs.get('tikv0')?.state).toBe('running'); // it was back before the pause was decided
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

describe('ledger compaction', () => {
  const open = (id: string, at: number): LedgerEntry => ({ op: 'open', id, spec: { kind: 'kill', target: { type: 'named', name: 'tikv1' } }, node: 'tikv1', scope: 'demo', at });
  const restored = (id: string, at: number): LedgerEntry => ({ op: 'restored', id, at });

  it('keeps every fault not restored and the newest restored ones; drops lines about unknown faults', () => {
    const entries: LedgerEntry[] = [];
    for (let i = 0; i < 5; i++) entries.push(open(`r${i}`, i), restored(`r${i}`, i + 0.5));
    entries.push(open('still-open', 10), open('half', 11), { op: 'failed', id: 'half', at: 12, error: 'engine hiccup' }, restored('ghost', 13));
    const kept = compactLedger(entries, 2);
    expect([...new Set(kept.map((e) => e.id))]).toEqual(['r3', 'r4', 'still-open', 'half']);
    expect(kept.filter((e) => e.id === 'half').map((e) => e.op)).toEqual(['open', 'failed']);
  });

  it('rewrites a ledger grown past its limit at open, never losing an open fault', () => {
    const path = tmpLedger();
    const lines: LedgerEntry[] = [open('first-still-open', 0)];
    for (let i = 0; lines.length <= COMPACT_OVER_LINES; i++) lines.push(open(`r${i}`, i + 1), restored(`r${i}`, i + 1.5));
    writeFileSync(path, lines.map((e) => JSON.stringify(e) + '\n').join(''));
    // A reader (npm run preflight) never rewrites it: only the app, which appends to it, does.
    expect(openLedger(path).records()).toHaveLength(lines.length / 2 + 0.5);
    expect(parseLedger(readFileSync(path, 'utf8')).entries).toHaveLength(lines.length);
    const ledger = openLedger(path, { compact: true });
    expect(ledger.damage()).toBeNull();
    expect(ledger.unresolved().map((r) => r.id)).toEqual(['first-still-open']);
    expect(ledger.records()).toHaveLength(COMPACT_KEEP_RESTORED + 1);
    const onDisk = parseLedger(readFileSync(path, 'utf8'));
    expect(onDisk.bad).toBe(0);
    expect(onDisk.entries).toHaveLength(2 * COMPACT_KEEP_RESTORED + 1);
    expect(readdirSync(join(path, '..'))).toEqual(['fault-ledger.jsonl']); // no temporary file left
    // Appends go on after the rewrite, and a reopen reads the same faults.
    ledger.append(open('after', 99_999));
    expect(openLedger(path, { compact: true }).unresolved().map((r) => r.id)).toEqual(['first-still-open', 'after']);
  });
});
