// Describing an error body must take linear time: a body may be up to 8 MiB, and describing it
// runs on the main thread after the request's timer is cleared. The old regexes took quadratic
// time on "<<<…" or "<title<title…" with no ">" (80 KB took seconds; 8 MiB would take hours).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { createPdAgent, createPdClient } from '../../../src/main/cluster/pd-client';
import { DESCRIBE_SCAN_CHARS, describeNonJson, excerpt, parseStores, stripTags, tagText } from '../../../src/main/cluster/pd-parse';
import { startScriptedPd, type ScriptedPd } from './helpers';

/** Big enough that the old regexes take seconds, small enough that a regression fails rather than hangs. */
const WORST = 160_000;

const timed = <T>(f: () => T): { value: T; ms: number } => {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
};

describe('linear scans give what the regexes gave', () => {
  // Small strings from the characters that matter, with whole tags mixed in.
  const piece = fc.constantFrom('<', '>', '/', ' ', 'a', 'T', '<title>', '<TITLE x="1">', '</title>', '</Title>', '<h1>', '</h1>', '<title', '<h1', '\n', 'é');
  const html = fc.array(piece, { maxLength: 40 }).map((xs) => xs.join(''));

  it('tagText = /<tag[^>]*>([^<]*)<\\/tag>/i', () => {
    fc.assert(
      fc.property(html, (s) => {
        expect(tagText(s, 'title')).toBe(/<title[^>]*>([^<]*)<\/title>/i.exec(s)?.[1]);
        expect(tagText(s, 'h1')).toBe(/<h1[^>]*>([^<]*)<\/h1>/i.exec(s)?.[1]);
      }),
      { numRuns: 2000 }
    );
  });

  it('stripTags = replace(/<[^>]*>/g, " ")', () => {
    fc.assert(
      fc.property(html, (s) => {
        expect(stripTags(s)).toBe(s.replace(/<[^>]*>/g, ' '));
      }),
      { numRuns: 2000 }
    );
  });

  it('excerpt is unchanged for a body within the scan, and marks a longer one as cut', () => {
    expect(excerpt('  a\n\n b  ')).toBe('a b');
    expect(excerpt('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(excerpt(`${' '.repeat(DESCRIBE_SCAN_CHARS)}short${' '.repeat(10)}tail`)).toBe('short tail');
    expect(excerpt(`short${' '.repeat(DESCRIBE_SCAN_CHARS)}tail`)).toBe('short…');
  });
});

describe('describing a body that is not JSON', () => {
  it('an HTML page with "<title" over and over and no ">" is described at once', () => {
    const { value, ms } = timed(() => describeNonJson(`<html>${'<title'.repeat(WORST / 6)}`));
    expect(value).toBe('an HTML page');
    expect(ms).toBeLessThan(250);
  });

  it('so is an HTML page of "<h1" with no ">"', () => {
    const { value, ms } = timed(() => describeNonJson(`<html>${'<h1'.repeat(WORST / 3)}`));
    expect(value).toBe('an HTML page');
    expect(ms).toBeLessThan(250);
  });

  it('and an 8 MiB body, through the parser', () => {
    const { value, ms } = timed(() => parseStores(`<html><title>Bad Gateway</title>${'<'.repeat(8 * 1024 * 1024)}`));
    expect(value).toEqual({ ok: false, error: `PD's answer to /stores is an HTML page ("Bad Gateway"), not JSON` });
    expect(ms).toBeLessThan(1_000);
  });

  it('an ordinary error page reads as before', () => {
    expect(describeNonJson('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>x</body></html>')).toBe('an HTML page ("502 Bad Gateway")');
    expect(describeNonJson('<html><body><h1>Oops</h1></body></html>')).toBe('an HTML page ("Oops")');
    expect(describeNonJson('  \n ')).toBe('an empty answer');
    expect(describeNonJson('404 page not found')).toBe('text that is not JSON ("404 page not found")');
  });
});

describe('describing an error status', () => {
  let pd: ScriptedPd | null = null;
  let agent: Agent | null = null;
  afterEach(async () => {
    await agent?.close();
    await pd?.close();
    pd = null;
    agent = null;
  });

  async function answer(status: number, body: string, contentType = 'text/html'): Promise<{ message: string; ms: number }> {
    pd = await startScriptedPd(() => ({ status, body, contentType }));
    agent = createPdAgent({ connections: 1 });
    const client = createPdClient({ pdUrl: pd.url, dispatcher: agent, timeoutMs: 5_000 });
    const t0 = performance.now();
    const r = await client.stores();
    const ms = performance.now() - t0;
    if (r.ok) throw new Error('expected a failure');
    return { message: r.error.message, ms };
  }

  it('"<<<…" with no ">" takes no time (the old tag strip was quadratic)', async () => {
    const { message, ms } = await answer(502, '<'.repeat(WORST));
    expect(message).toBe(`PD at ${pd!.url} answered 502 Bad Gateway for /stores: "${'<'.repeat(119)}…"`);
    expect(ms).toBeLessThan(1_000);
  });

  it('"<title" over and over with no ">" takes no time either', async () => {
    const { message, ms } = await answer(500, `<title${'<title'.repeat(WORST / 6)}`);
    expect(message).toMatch(/answered 500 Internal Server Error for \/stores: "<title<title/);
    expect(ms).toBeLessThan(1_000);
  });

  it('an ordinary error page and a JSON error string read as before', async () => {
    expect((await answer(502, '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>')).message).toMatch(
      /answered 502 Bad Gateway for \/stores: "502 Bad Gateway"$/
    );
    await agent?.close();
    await pd?.close();
    expect((await answer(500, '<html><body><h2>Boom</h2> <p>it broke</p></body></html>')).message).toMatch(/for \/stores: "Boom it broke"$/);
    await agent?.close();
    await pd?.close();
    expect((await answer(500, '"[PD:core:ErrUnknown]something failed"\n', 'application/json')).message).toMatch(/for \/stores: "\[PD:core:ErrUnknown\]something failed"$/);
  });
});
