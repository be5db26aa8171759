import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downNodes, quorumRefusal } from '../../../src/main/chaos/blast-radius';
import type { NodeProcess } from '../../../src/main/chaos/driver';
import { createFaultService } from '../../../src/main/chaos/faults';
import { describeLedgerDamage, openLedger } from '../../../src/main/chaos/ledger';
import { fakeDriver } from './fake-driver';

const tmpDir = (): string => mkdtempSync(join(tmpdir(), 'blast-'));
const proc = (name: string, state: NodeProcess['state'] = 'running', partitioned = false): NodeProcess => ({
  name,
  kind: name.startsWith('pd') ? 'pd' : 'tikv',
  state,
  partitioned
});
const three = (): NodeProcess[] => ['pd0', 'pd1', 'pd2', 'tikv0', 'tikv1', 'tikv2'].map((n) => proc(n));

describe('the blast-radius rule (pure)', () => {
  it('allows one TiKV and one PD down of three, not two', () => {
    expect(quorumRefusal('kill', 'tikv0', three(), [])).toBeNull();
    expect(quorumRefusal('kill', 'pd0', three(), ['tikv1'])).toBeNull();
    const why = quorumRefusal('kill', 'tikv1', three(), ['tikv0']);
    expect(why).toBe(
      'refused: killing tikv1 would leave 1 of 3 TiKV stores running (tikv0 is already down); a majority (2) must stay up. ' +
        'Restore first, or opt in with "allow-quorum-loss: true" on the slide.'
    );
    expect(quorumRefusal('pause', 'pd2', three(), ['pd1'])).toMatch(/^refused: pausing pd2 would leave 1 of 3 PD members running/);
  });

  it('counts exited, paused and cut-off containers as down, as well as open ledger records', () => {
    const procs = [proc('tikv0', 'exited'), proc('tikv1', 'running', true), proc('tikv2', 'paused'), proc('tikv3'), proc('tikv4')];
    expect([...downNodes(procs, ['tikv3', 'pd9'])].sort()).toEqual(['tikv0', 'tikv1', 'tikv2', 'tikv3']);
    // Five stores need three up: with two down, a third fault is refused.
    const five = ['tikv0', 'tikv1', 'tikv2', 'tikv3', 'tikv4'].map((n) => proc(n));
    expect(quorumRefusal('stop', 'tikv2', five, ['tikv0'])).toBeNull();
    expect(quorumRefusal('stop', 'tikv2', five, ['tikv0', 'tikv1'])).toMatch(/leave 2 of 5 TiKV stores running \(tikv0, tikv1 are already down\)/);
  });
});

describe('fault service: blast radius', () => {
  it('a burst of concurrent random kills leaves exactly one TiKV down, and Restore all brings it back', async () => {
    const ledger = openLedger(join(tmpDir(), 'fault-ledger.jsonl'));
    const fake = fakeDriver();
    fake.delay(20); // Docker reports the kill a little later: the ledger must count it meanwhile
    const svc = createFaultService({ driver: fake.driver, ledger, scope: 'demo', pdLeader: () => 'pd0', random: Math.random });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => svc.inject({ kind: 'kill', target: { type: 'random-tikv' } })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as Error).message).toMatch(/^refused: killing tikv\d would leave 1 of 3 TiKV stores running/);
    expect([...fake.procs.values()].filter((p) => p.kind === 'tikv' && p.state !== 'running')).toHaveLength(1);
    expect(svc.unresolved()).toHaveLength(1);
    const res = await svc.restoreAll();
    expect(res.failed).toEqual([]);
    expect([...fake.procs.values()].every((p) => p.state === 'running')).toBe(true);
  });

  it('two concurrent kills of one node leave one record', async () => {
    const ledger = openLedger(join(tmpDir(), 'fault-ledger.jsonl'));
    const fake = fakeDriver();
    fake.delay(10);
    const svc = createFaultService({ driver: fake.driver, ledger, scope: 'demo', pdLeader: () => null });
    const spec = { kind: 'kill', target: { type: 'named', name: 'tikv0' } } as const;
    const results = await Promise.allSettled([svc.inject(spec), svc.inject(spec)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(svc.unresolved().map((r) => r.node)).toEqual(['tikv0']);
  });

  it('counts nodes Docker already reports down, and PD separately from TiKV', async () => {
    const ledger = openLedger(join(tmpDir(), 'fault-ledger.jsonl'));
    const fake = fakeDriver();
    fake.procs.get('tikv2')!.state = 'exited'; // down by hand, no record
    const svc = createFaultService({ driver: fake.driver, ledger, scope: 'demo', pdLeader: () => 'pd1' });
    await expect(svc.inject({ kind: 'kill', target: { type: 'random-tikv' } })).rejects.toThrow(/tikv2 is already down/);
    const pd = await svc.inject({ kind: 'kill', target: { type: 'pd-leader' } });
    expect(pd.node).toBe('pd1');
    await expect(svc.inject({ kind: 'stop', target: { type: 'named', name: 'pd0' } })).rejects.toThrow(/leave 1 of 3 PD members/);
    expect(fake.calls).toEqual(['kill pd1']);
  });

  it('an explicit opt-in raises the limit', async () => {
    const ledger = openLedger(join(tmpDir(), 'fault-ledger.jsonl'));
    const fake = fakeDriver();
    const svc = createFaultService({ driver: fake.driver, ledger, scope: 'demo', pdLeader: () => null, random: () => 0 });
    await svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    const b = await svc.inject({ kind: 'kill', target: { type: 'random-tikv' }, allowQuorumLoss: true });
    expect(b.node).toBe('tikv1');
    expect(b.spec.allowQuorumLoss).toBe(true);
  });

  it('refuses a node that does not exist before writing anything', async () => {
    const path = join(tmpDir(), 'fault-ledger.jsonl');
    const ledger = openLedger(path);
    const fake = fakeDriver();
    const svc = createFaultService({ driver: fake.driver, ledger, scope: 'demo', pdLeader: () => 'pd7' });
    await expect(svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv9' } })).rejects.toThrow(
      /^refused: there is no node named tikv9 in fake \(its nodes: pd0, pd1, pd2, tikv0, tikv1, tikv2\)/
    );
    await expect(svc.inject({ kind: 'kill', target: { type: 'pd-leader' } })).rejects.toThrow(/no node named pd7/);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(fake.calls).toEqual([]);
  });

  it('Restore all also revives nodes down without a record, and reports per-node failures', async () => {
    const ledger = openLedger(join(tmpDir(), 'fault-ledger.jsonl'));
    const fake = fakeDriver();
    const svc = createFaultService({ driver: fake.driver, ledger, scope: 'demo', pdLeader: () => null });
    await svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv0' } });
    fake.procs.get('pd2')!.state = 'paused';
    fake.procs.get('tikv1')!.partitioned = true;
    const res = await svc.restoreAll();
    expect(res.restored.map((r) => r.node)).toEqual(['tikv0']);
    expect(res.revived).toEqual([
      { node: 'pd2', was: 'paused' },
      { node: 'tikv1', was: 'disconnected' }
    ]);
    expect(res.failed).toEqual([]);

    // A failing undo is reported for its node, never counted as restored.
    await svc.inject({ kind: 'kill', target: { type: 'named', name: 'tikv2' } });
    const broken = { ...fake.driver, undo: async () => Promise.reject(new Error('engine gone')) };
    const svc2 = createFaultService({ driver: broken, ledger, scope: 'demo', pdLeader: () => null });
    const res2 = await svc2.restoreAll();
    expect(res2.restored).toEqual([]);
    expect(res2.failed.map((f) => [f.node, f.error])).toEqual([['tikv2', 'start tikv2 failed: engine gone']]);
  });
});

describe('a damaged ledger', () => {
  it('is counted, moved aside, and a clean one started with the readable records', () => {
    const dir = tmpDir();
    const path = join(dir, 'fault-ledger.jsonl');
    const good = { op: 'open', id: 'a', spec: { kind: 'kill', target: { type: 'named', name: 'tikv0' } }, node: 'tikv0', scope: 'demo', at: 1 };
    const text = [JSON.stringify(good), '{"op":"open","id":"b","spec":{"kind":"pause"', 'garbage for pd0 here', ''].join('\n');
    writeFileSync(path, text);
    const ledger = openLedger(path);
    const d = ledger.damage();
    expect(d).not.toBeNull();
    expect(d!.lines).toBe(2);
    expect(d!.readable).toBe(1);
    expect(d!.mentioned).toEqual(['pd0']);
    expect(d!.open.map((r) => r.node)).toEqual(['tikv0']);
    expect(d!.movedTo).toMatch(/fault-ledger\.jsonl\.damaged-\d{4}-\d\d-\d\dT/);
    // The damaged bytes are kept as they were; the live file holds only what could be read.
    expect(readFileSync(d!.movedTo!, 'utf8')).toBe(text);
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(good) + '\n');
    expect(readdirSync(dir).sort()).toHaveLength(2);
    expect(describeLedgerDamage(d!)).toMatch(/^Fault ledger: 2 unreadable lines \(1 read\); the unreadable lines mention pd0; open faults read: kill tikv0; the damaged file is kept as fault-ledger\.jsonl\.damaged-/);
    expect(ledger.unresolved('demo').map((r) => r.node)).toEqual(['tikv0']);
    // Reopened, the clean file reads without damage.
    expect(openLedger(path).damage()).toBeNull();
  });
});
