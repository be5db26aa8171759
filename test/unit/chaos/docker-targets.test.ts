import { describe, expect, it } from 'vitest';
import { containerState, demoNodeName, eventHint, splitLines } from '../../../src/main/chaos/docker-targets';

const labels = (project: string, service: string, extra: Record<string, string> = {}) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  ...extra
});

describe('demo targets', () => {
  it('are the project\'s pd/tikv services, by labels only', () => {
    expect(demoNodeName(labels('demo', 'tikv1'), 'demo')).toBe('tikv1');
    expect(demoNodeName(labels('demo', 'pd0'), 'demo')).toBe('pd0');
    expect(demoNodeName(labels('other', 'tikv1'), 'demo')).toBeNull();
    expect(demoNodeName(labels('demo', 'ycsb'), 'demo')).toBeNull();
    expect(demoNodeName(labels('demo', 'tikv-something'), 'demo')).toBeNull();
    expect(demoNodeName(labels('demo', 'tikv1', { 'com.docker.compose.oneoff': 'True' }), 'demo')).toBeNull();
    expect(demoNodeName({}, 'demo')).toBeNull();
    expect(demoNodeName(undefined, 'demo')).toBeNull();
  });
  it('map Docker states', () => {
    expect(containerState('running')).toBe('running');
    expect(containerState('paused')).toBe('paused');
    expect(containerState('exited')).toBe('exited');
    expect(containerState('created')).toBe('exited');
    expect(containerState('weird')).toBe('unknown');
  });
  it('split NDJSON across arbitrary chunks', () => {
    const a = splitLines('', '{"a":1}\n{"b"');
    expect(a).toEqual({ lines: ['{"a":1}'], rest: '{"b"' });
    expect(splitLines(a.rest, ':2}\n\n')).toEqual({ lines: ['{"b":2}'], rest: '' });
  });
});

describe('event hints', () => {
  const ev = (o: unknown): string => JSON.stringify(o);
  const names = (id: string) => ({ abc: 'tikv2' })[id];
  it('read container events by compose labels', () => {
    const die = ev({ Type: 'container', Action: 'die', Actor: { ID: 'abc', Attributes: { ...labels('demo', 'tikv2'), exitCode: '137' } } });
    expect(eventHint(die, 'demo', names, 'demo_default')).toEqual({ name: 'tikv2', state: 'exited' });
    const start = ev({ Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: labels('demo', 'tikv2') } });
    expect(eventHint(start, 'demo', names, null)).toEqual({ name: 'tikv2', state: 'running' });
    const kill = ev({ Type: 'container', Action: 'kill', Actor: { ID: 'abc', Attributes: labels('demo', 'tikv2') } });
    expect(eventHint(kill, 'demo', names, null)).toBeNull(); // a signal was sent; `die` says what happened
    const other = ev({ Type: 'container', Action: 'die', Actor: { ID: 'x', Attributes: labels('other', 'tikv2') } });
    expect(eventHint(other, 'demo', names, null)).toBeNull();
  });
  it('read network events by container id, on the project network only', () => {
    const cut = ev({ Type: 'network', Action: 'disconnect', Actor: { ID: 'n', Attributes: { name: 'demo_default', container: 'abc' } } });
    expect(eventHint(cut, 'demo', names, 'demo_default')).toEqual({ name: 'tikv2', partitioned: true });
    expect(eventHint(cut, 'demo', names, 'elsewhere')).toBeNull();
    const unknown = ev({ Type: 'network', Action: 'connect', Actor: { ID: 'n', Attributes: { name: 'demo_default', container: 'zzz' } } });
    expect(eventHint(unknown, 'demo', names, 'demo_default')).toBeNull();
    expect(eventHint('not json', 'demo', names, null)).toBeNull();
  });
});
