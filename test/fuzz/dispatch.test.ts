// Property tests over the request dispatcher: whatever a view sends, it gets a reply, and no
// burst of fault requests ever leaves more faults open than the blast-radius rule allows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REQUEST_NAMES, type Handlers } from '../../src/shared/contract';
import type { FaultSpec } from '../../src/shared/actions';
import { createFaultService } from '../../src/main/chaos/faults';
import { openLedger } from '../../src/main/chaos/ledger';
import { dispatch } from '../../src/main/transport/dispatch';
import { fakeDriver } from '../unit/chaos/fake-driver';

const anyValue = fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withTypedArray: true });

/** Handlers that answer, throw, or throw something odd, depending on the name. */
function oddHandlers(): Handlers {
  let n = 0;
  return new Proxy({} as Handlers, {
    get: () => async () => {
      n++;
      if (n % 3 === 0) throw new Error('handler failed');
      if (n % 5 === 0) throw Object.create(null) as unknown;
      return { n };
    }
  });
}

describe('dispatch (property)', () => {
  it('any name and any arguments get a reply, never a throw', async () => {
    const handlers = oddHandlers();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...REQUEST_NAMES), fc.string(), anyValue), fc.oneof(fc.array(anyValue, { maxLength: 4 }), anyValue), async (name, args) => {
        const reply = await dispatch(handlers, name, args);
        expect(typeof reply.ok).toBe('boolean');
        if (!reply.ok) expect(typeof reply.error).toBe('string');
      }),
      { numRuns: 5000 }
    );
  });
});

const nodeNames = ['tikv0', 'tikv1', 'tikv2', 'pd0', 'pd1', 'pd2', 'tikv7', 'pd9'];
const spec: fc.Arbitrary<FaultSpec> = fc.record({
  kind: fc.constantFrom('kill', 'stop', 'pause', 'partition'),
  target: fc.oneof(
    fc.constant({ type: 'random-tikv' as const }),
    fc.constant({ type: 'pd-leader' as const }),
    fc.constantFrom(...nodeNames).map((name) => ({ type: 'named' as const, name }))
  )
});

describe('fault bursts (property)', () => {
  it('never leave more than one TiKV and one PD down, nor two records for one node', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 6, arbitrary: spec }, { weight: 1, arbitrary: fc.constant('restore' as const) }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom('pd0', 'pd1', 'pd2', 'pd9'),
        async (burst, delay, leader) => {
          const ledger = openLedger(join(mkdtempSync(join(tmpdir(), 'fuzz-ledger-')), 'fault-ledger.jsonl'));
          const fake = fakeDriver();
          fake.delay(delay);
          const svc = createFaultService({ driver: fake.driver, ledger, scope: 'demo', pdLeader: () => leader });
          const handlers = new Proxy({} as Handlers, {
            get: (_t, name) =>
              name === 'injectFault'
                ? async (s: FaultSpec) => svc.inject(s)
                : name === 'restoreAll'
                  ? async () => {
                      const r = await svc.restoreAll();
                      if (r.failed.length) throw new Error(r.failed.map((f) => f.error).join('; '));
                      return r;
                    }
                  : async () => null
          });
          const replies = await Promise.all(
            burst.map((b) => (b === 'restore' ? dispatch(handlers, 'restoreAll', []) : dispatch(handlers, 'injectFault', [b])))
          );
          for (const r of replies) if (!r.ok) expect(r.error).toMatch(/^refused: /);
          const open = svc.unresolved();
          const openTikv = open.filter((r) => r.node.startsWith('tikv'));
          const openPd = open.filter((r) => r.node.startsWith('pd'));
          expect(openTikv.length).toBeLessThanOrEqual(1);
          expect(openPd.length).toBeLessThanOrEqual(1);
          expect(new Set(open.map((r) => r.node)).size).toBe(open.length);
          const downTikv = [...fake.procs.values()].filter((p) => p.kind === 'tikv' && (p.state !== 'running' || p.partitioned));
          expect(downTikv.length).toBeLessThanOrEqual(1);
          expect(open.every((r) => nodeNames.slice(0, 6).includes(r.node))).toBe(true);
          const res = await svc.restoreAll();
          expect(res.failed).toEqual([]);
          expect([...fake.procs.values()].every((p) => p.state === 'running' && !p.partitioned)).toBe(true);
        }
      ),
      { numRuns: 300 }
    );
  }, 60_000);
});
