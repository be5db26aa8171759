import { describe, expect, it } from 'vitest';
import {
  hostOfAddress,
  mergeHealth,
  parseConfigObject,
  parseGoSize,
  parseHealth,
  parseMaxReplicas,
  parseMembers,
  parsePdJson,
  parseRegionCount,
  parseStores,
  storeState,
  type ParseResult
} from '../../../src/main/cluster/pd-parse';
import { fixture } from './helpers';

function ok<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r.value;
}

function err<T>(r: ParseResult<T>): string {
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

describe('parseGoSize', () => {
  it('reads go-units binary sizes as PD prints them', () => {
    expect(parseGoSize('0B')).toBe(0);
    expect(parseGoSize('290.7MiB')).toBe(Math.round(290.7 * 2 ** 20));
    expect(parseGoSize('58.42GiB')).toBe(Math.round(58.42 * 2 ** 30));
    expect(parseGoSize('1.5TiB')).toBe(1.5 * 2 ** 40);
    expect(parseGoSize('lots')).toBeNull();
    expect(parseGoSize('12 GB')).toBeNull();
  });
});

describe('parseConfigObject', () => {
  it('takes an object, and says so when PD answers with an error string', () => {
    const v = ok(parseConfigObject('{"schedule":{"max-merge-region-size":20},"replication":{"max-replicas":3}}'));
    expect(v.schedule).toEqual({ 'max-merge-region-size': 20 });
    expect(err(parseConfigObject('"[PD:apiutil:ErrRedirectNoLeader]redirect finds no leader"'))).toMatch(/with an error/);
  });
});

describe('parseStores', () => {
  it('parses the reference payload, sorted by numeric id, names from addresses', () => {
    const stores = ok(parseStores(fixture('stores.json')));
    expect(stores.map((s) => s.storeId)).toEqual(['1', '4', '5']);
    expect(stores.map((s) => s.name)).toEqual(['tikv0', 'tikv1', 'tikv2']);
    expect(stores.map((s) => s.state)).toEqual(['up', 'disconnected', 'up']);
    expect(stores.map((s) => s.leaderCount)).toEqual([6, 0, 6]);
    expect(stores.map((s) => s.regionCount)).toEqual([12, 12, 12]);
    expect(stores[1]).toEqual({
      storeId: '4',
      name: 'tikv1',
      address: 'tikv1:20160',
      state: 'disconnected',
      leaderCount: 0,
      regionCount: 12,
      // 1787220003207115904 ns, exactly (JSON.parse would have rounded the ns value)
      lastHeartbeatMs: 1787220003207,
      // "41.12GiB", binary units as PD prints them
      availableBytes: Math.round(41.12 * 2 ** 30)
    });
    expect(stores[0]?.lastHeartbeatMs).toBe(1787220027418);
    expect(stores[2]?.lastHeartbeatMs).toBe(1787220029931);
  });

  it('handles Down, Offline, Tombstone, omitted fields, odd addresses and ids above 2^53', () => {
    const stores = ok(parseStores(fixture('stores-mixed.json')));
    expect(stores.map((s) => s.storeId)).toEqual(['1', '2', '4', '7', '10', '12', '9007199254740993']);
    const byId = new Map(stores.map((s) => [s.storeId, s]));
    // Only id and address: state omitted = Up, counts omitted = 0, no heartbeat.
    expect(byId.get('1')).toEqual({
      storeId: '1',
      name: 'tikv0',
      address: 'tikv0:20160',
      state: 'up',
      leaderCount: 0,
      regionCount: 0,
      lastHeartbeatMs: null,
      availableBytes: null
    });
    expect(byId.get('2')?.state).toBe('tombstone');
    expect(byId.get('4')?.state).toBe('down');
    expect(byId.get('4')?.regionCount).toBe(12);
    expect(byId.get('7')?.state).toBe('offline');
    // A state_name PD does not document maps to unknown; last_heartbeat 0 means never.
    expect(byId.get('10')).toMatchObject({ name: '10.0.3.7', state: 'unknown', lastHeartbeatMs: null });
    // No state_name: the numeric enum decides (1 = Offline); no port in the address; heartbeat
    // from the RFC3339 status field when last_heartbeat is absent.
    expect(byId.get('12')).toMatchObject({ name: 'tikv5', state: 'offline', regionCount: 1 });
    expect(byId.get('12')?.lastHeartbeatMs).toBe(Date.parse('2026-08-20T10:00:03.5Z'));
    // 9007199254740993 is not representable as a double: it must survive as text.
    expect(byId.get('9007199254740993')).toMatchObject({ name: 'fd00::12', address: '[fd00::12]:20160', leaderCount: 2 });
  });

  it('accepts an empty cluster (Go nil slice)', () => {
    expect(ok(parseStores('{"count":0,"stores":null}'))).toEqual([]);
    expect(ok(parseStores('{"count":0,"stores":[]}'))).toEqual([]);
  });

  it('sorts ids numerically, not as text', () => {
    const body = JSON.stringify({
      count: 3,
      stores: [{ store: { id: 10, address: 'a:1' } }, { store: { id: 9, address: 'b:1' } }, { store: { id: 100, address: 'c:1' } }]
    });
    expect(ok(parseStores(body)).map((s) => s.storeId)).toEqual(['9', '10', '100']);
  });

  it('falls back to a name from the id when the address is empty', () => {
    expect(ok(parseStores('{"stores":[{"store":{"id":3}}]}'))[0]?.name).toBe('store-3');
  });

  it.each([
    ['HTML error page', fixture('error-page.html'), /HTML page \("502 Bad Gateway"\)/],
    ['truncated JSON', fixture('garbage-truncated.json'), /not JSON/],
    ['PD error string', fixture('not-bootstrapped-500.json'), /with an error: "TiKV cluster not bootstrapped/],
    ['plain text', fixture('no-leader-503.txt'), /not JSON/],
    ['empty body', '', /empty answer/],
    ['null', 'null', /unexpected shape/],
    ['an array', '[]', /unexpected shape/],
    ['an object without stores', '{"error":"boom"}', /unexpected shape \(stores/],
    ['a store without id', '{"stores":[{"store":{"address":"tikv0:20160"}}]}', /stores\.0\.store\.id/],
    ['a store id as a float', '{"stores":[{"store":{"id":1.5}}]}', /unexpected shape/],
    ['a count of the wrong type', '{"stores":[{"store":{"id":1},"status":{"leader_count":"6"}}]}', /leader_count/]
  ])('returns a clear error for %s', (_label, body, pattern) => {
    expect(err(parseStores(body))).toMatch(pattern);
  });
});

describe('parseMembers', () => {
  it('parses members with exact 64-bit ids, sorted by name, with the leader', () => {
    const info = ok(parseMembers(fixture('members.json')));
    expect(info.clusterId).toBe('7452180154224557728');
    expect(info.leader).toBe('pd1');
    expect(info.members).toEqual([
      { memberId: '3474484975246189105', name: 'pd0', health: null, isLeader: false },
      { memberId: '12818309996638325969', name: 'pd1', health: null, isLeader: true },
      { memberId: '9624541275104361583', name: 'pd2', health: null, isLeader: false }
    ]);
  });

  it('leader omitted (unknown) → null, nobody is leader', () => {
    const info = ok(parseMembers(fixture('members-no-leader.json')));
    expect(info.leader).toBeNull();
    expect(info.members.map((m) => m.name)).toEqual(['pd0', 'pd1', 'pd2']);
    expect(info.members.some((m) => m.isLeader)).toBe(false);
  });

  it('sorts names naturally and names an unstarted member from its URL', () => {
    const body = JSON.stringify({
      header: {},
      members: [{ name: 'pd10', member_id: 3 }, { name: 'pd2', member_id: 2 }, { member_id: 5, peer_urls: ['http://pd3:2380'] }]
    });
    const info = ok(parseMembers(body));
    expect(info.clusterId).toBeNull();
    expect(info.members.map((m) => m.name)).toEqual(['pd2', 'pd3', 'pd10']);
  });

  it('rejects wrong shapes', () => {
    expect(err(parseMembers(fixture('error-page.html')))).toMatch(/HTML/);
    expect(err(parseMembers('{"header":{"cluster_id":1}}'))).toMatch(/unexpected shape \(members/);
    expect(err(parseMembers('"redirect finds no leader"'))).toMatch(/with an error/);
  });
});

describe('parseHealth', () => {
  it('parses /health with exact ids above 2^63', () => {
    expect(ok(parseHealth(fixture('health.json')))).toEqual([
      { name: 'pd0', memberId: '3474484975246189105', health: true },
      { name: 'pd1', memberId: '12818309996638325969', health: true },
      { name: 'pd2', memberId: '9624541275104361583', health: false }
    ]);
  });

  it('marks an unhealthy PD leader, and merges into members by id', () => {
    const members = ok(parseMembers(fixture('members.json'))).members;
    const health = ok(parseHealth(fixture('health-pd-leader-unhealthy.json')));
    const merged = mergeHealth(members, health);
    expect(merged.map((m) => [m.name, m.isLeader, m.health])).toEqual([
      ['pd0', false, true],
      ['pd1', true, false],
      ['pd2', false, true]
    ]);
    expect(mergeHealth(members, null)).toBe(members);
    // /members never answered: members come from /health alone.
    expect(mergeHealth([], health).map((m) => m.name)).toEqual(['pd0', 'pd1', 'pd2']);
  });

  it('rejects a non-array', () => {
    expect(err(parseHealth('{"health":true}'))).toMatch(/unexpected shape/);
  });
});

describe('parseRegionCount', () => {
  it('reads the count', () => {
    expect(ok(parseRegionCount(fixture('regions-count.json')))).toBe(36);
  });
  it('rejects garbage', () => {
    expect(err(parseRegionCount('{"regions":null}'))).toMatch(/count/);
    expect(err(parseRegionCount('<html>'))).toMatch(/not JSON/);
  });
});

describe('parseMaxReplicas', () => {
  const replicate = (v: string): string => `{"max-replicas":${v},"location-labels":"","strictly-match-label":"false","enable-placement-rules":"true"}`;

  it("reads PD's answer (v8.5's ReplicationConfig), from 1 to 10 replicas", () => {
    expect(ok(parseMaxReplicas(fixture('config-replicate.json')))).toBe(3);
    expect(ok(parseMaxReplicas(replicate('5')))).toBe(5);
    expect(ok(parseMaxReplicas(replicate('1')))).toBe(1);
    expect(ok(parseMaxReplicas(replicate('10')))).toBe(10);
  });

  it('rejects an answer without the key, or with a value that is not a whole number, saying what it was', () => {
    expect(err(parseMaxReplicas('{"location-labels":""}'))).toBe("PD's answer to /config/replicate has an unexpected shape (max-replicas: missing)");
    expect(err(parseMaxReplicas(replicate('"3"')))).toBe(`PD's answer to /config/replicate has an unexpected shape (max-replicas: not a number ("3"))`);
    expect(err(parseMaxReplicas(replicate('null')))).toMatch(/max-replicas: not a number \(null\)/);
    expect(err(parseMaxReplicas(replicate('2.5')))).toMatch(/max-replicas: not a whole number \(2\.5\)/);
    expect(err(parseMaxReplicas(replicate('true')))).toMatch(/max-replicas: not a number \(true\)/);
  });

  it('rejects a count below 1 or past any plausible cluster', () => {
    expect(err(parseMaxReplicas(replicate('0')))).toMatch(/max-replicas: below 1 \(0\)\)$/);
    expect(err(parseMaxReplicas(replicate('-3')))).toMatch(/max-replicas: below 1 \(-3\)/);
    expect(err(parseMaxReplicas(replicate('11')))).toMatch(/max-replicas: above 10, not a plausible replica count \(11\)/);
    expect(err(parseMaxReplicas(replicate('1000')))).toMatch(/max-replicas: above 10, not a plausible replica count \(1000\)/);
    // Past 2^53 (parsed exactly, as bigint) and past 2^64: one reason, not two.
    expect(err(parseMaxReplicas(replicate('18446744073709551615')))).toMatch(/\(max-replicas: above 10, not a plausible replica count \(18446744073709551615\)\)$/);
  });

  it('a huge answer: a 100,000-digit count is cut in the reason; 2 MB of other settings do not hide the count', () => {
    const digits = err(parseMaxReplicas(replicate('9'.repeat(100_000))));
    expect(digits).toMatch(/above 10/);
    expect(digits.length).toBeLessThan(200);
    const long = `{"location-labels":"${'zone,'.repeat(400_000)}","max-replicas":5}`;
    expect(ok(parseMaxReplicas(long))).toBe(5);
    expect(err(parseMaxReplicas(`{"location-labels":"${'x'.repeat(2_000_000)}"}`))).toMatch(/max-replicas: missing/);
  });

  it("PD's error answers and what is not JSON are said as such", () => {
    expect(err(parseMaxReplicas('"[PD:apiutil:ErrRedirect]redirect failed"'))).toBe('PD answered /config/replicate with an error: "[PD:apiutil:ErrRedirect]redirect failed"');
    expect(err(parseMaxReplicas('404 page not found'))).toMatch(/^PD's answer to \/config\/replicate is text that is not JSON/);
    expect(err(parseMaxReplicas('[3]'))).toMatch(/unexpected shape/);
  });
});

describe('helpers', () => {
  it.each([
    ['tikv0:20160', 'tikv0'],
    ['  tikv1:20160 ', 'tikv1'],
    ['tikv2', 'tikv2'],
    ['[::1]:20160', '::1'],
    ['[fe80::1%eth0]:20160', 'fe80::1%eth0'],
    ['[fd00::1]', 'fd00::1'],
    ['fd00::1', 'fd00::1'],
    ['10.0.0.3:20160', '10.0.0.3'],
    ['http://pd0:2379', 'pd0'],
    ['http://pd0:2379/pd', 'pd0'],
    [':20160', ''],
    ['', '']
  ])('hostOfAddress(%j) = %j', (address, host) => {
    expect(hostOfAddress(address)).toBe(host);
  });

  it.each([
    ['Up', undefined, 'up'],
    ['Disconnected', undefined, 'disconnected'],
    ['Down', undefined, 'down'],
    ['Offline', 1, 'offline'],
    ['Tombstone', 2, 'tombstone'],
    ['Serving', undefined, 'unknown'],
    ['', undefined, 'unknown'],
    [undefined, undefined, 'up'],
    [undefined, 0, 'up'],
    [undefined, 1, 'offline'],
    [undefined, 2, 'tombstone'],
    [undefined, 7, 'unknown']
  ] as const)('storeState(%j, %j) = %s', (name, state, expected) => {
    expect(storeState(name, state)).toBe(expected);
  });

  it('parsePdJson keeps big integers exact', () => {
    const r = parsePdJson('{"a": 18446744073709551615, "b": 1.5, "c": 7}', 'x');
    expect(r).toEqual({ ok: true, value: { a: 18446744073709551615n, b: 1.5, c: 7 } });
  });

  it('never throws on random garbage', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = '{}[]":,0123456789.-eE truefalsnul\\x<>abc\u0000\u00e9';
    const valid = fixture('stores.json');
    for (let i = 0; i < 500; i++) {
      const mutated =
        i % 2 === 0
          ? Array.from({ length: Math.floor(rnd() * 60) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('')
          : valid.slice(0, Math.floor(rnd() * valid.length));
      for (const parse of [parseStores, parseMembers, parseHealth, parseRegionCount]) {
        const r = (parse as (b: string) => ParseResult<unknown>)(mutated);
        if (!r.ok) expect(typeof r.error).toBe('string');
      }
    }
  });
});
