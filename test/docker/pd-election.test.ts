// A PD leader fault on the containerized simulator, at speed 1 (PD's real 3 s wait for a leader):
// from the kill until the map shows a new leader, the presenter view must say that PD is
// electing a leader, never that PD is not answering (issue 14). Then Restore all starts the
// killed PD again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppState } from '../../src/shared/contract';
import { containerName, pdHostPorts, simClusterDown, simClusterUp } from '../../src/main/sim/containers/cluster';
import { launchChromium, startWeb, type RunningApp } from '../e2e/harness';
import { engineOrSkip, ensureBaseImage } from './support';
import { freePortSet } from '../../src/main/free-port';

const { docker } = engineOrSkip();
const PROJECT = 'electtest';

/** What the presenter view showed at one moment (sampled in the page). */
interface PageSample {
  at: number;
  problems: string;
  leader: string | null;
}

/** What /api/state said at one moment. */
interface StateSample {
  at: number;
  pdElecting: boolean;
  pdError: string | null;
  pdLeader: string | null;
}

describe.skipIf(!docker)('a PD leader fault on the containerized simulator at speed 1', () => {
  const d = docker as Docker;
  const engine = process.env.TIKV_STAGE_DOCKER_HOST!;
  const dataDir = mkdtempSync(join(tmpdir(), 'tikv-stage-elect-'));
  let app: RunningApp | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let ws: WebSocket | null = null;
  let nextId = 1;

  beforeAll(async () => {
    await simClusterDown(d, { project: PROJECT }).catch(() => undefined);
    await ensureBaseImage(d);
    const pdPort = await freePortSet(pdHostPorts);
    await simClusterUp(d, { project: PROJECT, pdPort, simSpeed: 1, log: (l) => console.log(`cluster:sim ${l}`) });
    app = await startWeb(['--mode', 'live', '--project', PROJECT, '--docker-host', engine, '--data-dir', dataDir]);
    ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws`);
    await new Promise((ok, fail) => {
      ws!.once('open', ok);
      ws!.once('error', fail);
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${app.url}/presenter`);
  }, 120_000);

  afterAll(async () => {
    ws?.terminate();
    await browser?.close();
    await app?.stop();
    await simClusterDown(d, { project: PROJECT }).catch(() => undefined);
  }, 60_000);

  /** One request over the app's WebSocket, as outside scripts send it. */
  const request = (name: string, args: unknown[]): Promise<{ ok: boolean; error?: string }> =>
    new Promise((ok, fail) => {
      const id = nextId++;
      const timer = setTimeout(() => fail(new Error(`no reply to ${name} in 20 s`)), 20_000);
      const onMessage = (m: WebSocket.RawData): void => {
        const f = JSON.parse(String(m)) as { type: string; id?: number; reply: { ok: boolean; error?: string } };
        if (f.type !== 'reply' || f.id !== id) return;
        clearTimeout(timer);
        ws!.off('message', onMessage);
        ok(f.reply);
      };
      ws!.on('message', onMessage);
      ws!.send(JSON.stringify({ id, request: name, args }));
    });

  const appState = async (): Promise<AppState> => (await (await fetch(`${app!.url}/api/state`)).json()) as AppState;

  /** The PD leader and the TiKVs that are up, as the presenter view draws them (deduplicated by name). */
  const mapView = (): Promise<{ leader: string | null; tikvUp: number }> =>
    page.evaluate(() => {
      const nodes = [...document.querySelectorAll('[data-testid="cluster-node"]')];
      const leader = nodes.find((e) => e.getAttribute('data-kind') === 'pd' && e.getAttribute('data-leader') === 'true');
      const up = new Set(
        nodes
          .filter((e) => e.getAttribute('data-kind') === 'tikv' && e.getAttribute('data-state') === 'up')
          .map((e) => e.getAttribute('data-name'))
      );
      return { leader: leader?.getAttribute('data-name') ?? null, tikvUp: up.size };
    });

  it('says "PD electing a leader", never "PD not answering", until a new leader is shown; Restore all brings the PD back', async () => {
    await expect.poll(async () => (await page.getByTestId('mode-badge').first().textContent())?.trim(), { timeout: 15_000 }).toBe('live');
    await expect
      .poll(async () => {
        const v = await mapView();
        return v.tikvUp === 3 && v.leader !== null;
      }, { timeout: 40_000, interval: 250 })
      .toBe(true);
    const oldLeader = (await mapView()).leader!;

    // Every mutation of the page and every 100 ms: the problems panel's text and the leader shown.
    await page.evaluate(() => {
      const w = window as unknown as { __seen: { at: number; problems: string; leader: string | null }[]; __stop: () => void };
      w.__seen = [];
      const sample = (): void => {
        const problems = [...document.querySelectorAll('[data-testid="presenter-problems"]')].map((e) => e.textContent ?? '').join(' | ');
        const leader = document.querySelector('[data-testid="cluster-node"][data-kind="pd"][data-leader="true"]');
        const last = w.__seen[w.__seen.length - 1];
        const s = { at: Date.now(), problems, leader: leader?.getAttribute('data-name') ?? null };
        if (!last || last.problems !== s.problems || last.leader !== s.leader) w.__seen.push(s);
      };
      const mo = new MutationObserver(sample);
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      const timer = setInterval(sample, 100);
      w.__stop = () => {
        mo.disconnect();
        clearInterval(timer);
      };
      sample();
    });
    const states: StateSample[] = [];
    let polling = true;
    const statePoll = (async () => {
      while (polling) {
        const c = (await appState()).cluster;
        states.push({ at: Date.now(), pdElecting: c.pdElecting === true, pdError: c.pdError, pdLeader: c.pdLeader });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const killAt = Date.now();
    const reply = await request('injectFault', [{ kind: 'kill', target: { type: 'pd-leader' } }]);
    expect(reply, reply.error).toMatchObject({ ok: true });
    await expect
      .poll(async () => (await d.getContainer(containerName(PROJECT, oldLeader)).inspect()).State.Status, { timeout: 5_000, interval: 100 })
      .toBe('exited');

    // The sim elects 3-7 s after the leader's refusal is seen (pings every 1 s): well within 30 s.
    await expect
      .poll(async () => {
        const l = (await mapView()).leader;
        return l !== null && l !== oldLeader;
      }, { timeout: 30_000, interval: 100 })
      .toBe(true);
    const newLeaderAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_000)); // a moment after, in case the panel flickers
    polling = false;
    await statePoll;
    const seen = await page.evaluate(() => {
      const w = window as unknown as { __seen: PageSample[]; __stop: () => void };
      w.__stop();
      return w.__seen;
    });

    const fromKill = (s: { at: number }): number => s.at - killAt;
    console.log(`page samples after the kill of ${oldLeader}:\n${seen.map((s) => `  +${fromKill(s)} ms leader=${s.leader} problems=${JSON.stringify(s.problems)}`).join('\n')}`);
    console.log(
      `/api/state changes:\n${states
        .filter((s, i) => i === 0 || s.pdElecting !== states[i - 1]!.pdElecting || s.pdError !== states[i - 1]!.pdError || s.pdLeader !== states[i - 1]!.pdLeader)
        .map((s) => `  +${fromKill(s)} ms electing=${s.pdElecting} leader=${s.pdLeader} error=${JSON.stringify(s.pdError)}`)
        .join('\n')}`
    );

    const electingShown = seen.find((s) => s.problems.includes('PD electing a leader'));
    expect(electingShown, 'the presenter problems panel never said "PD electing a leader"').toBeDefined();
    expect(seen.filter((s) => s.problems.includes('PD not answering'))).toEqual([]);
    expect(states.some((s) => s.pdElecting && (s.pdError ?? '').startsWith('PD electing a leader'))).toBe(true);
    expect(states.filter((s) => s.pdError !== null && !s.pdElecting)).toEqual([]);
    const newLeader = (await mapView()).leader;
    expect(newLeader).not.toBeNull();
    expect(newLeader).not.toBe(oldLeader);
    console.log(
      `kill of ${oldLeader} -> "PD electing a leader" shown: ${fromKill(electingShown!)} ms; -> new leader ${newLeader} shown: ${newLeaderAt - killAt} ms`
    );

    const restored = await request('restoreAll', []);
    expect(restored, restored.error).toMatchObject({ ok: true });
    await expect
      .poll(async () => (await d.getContainer(containerName(PROJECT, oldLeader)).inspect()).State.Status, { timeout: 20_000, interval: 250 })
      .toBe('running');
  }, 150_000);
});
