// The bench's probe, installed in each page before the app's own scripts (Playwright's
// addInitScript). It reads only what outside scripts may rely on (DESIGN.md's data-testids) and
// stamps every time on one clock shared by all pages of the machine: timeOrigin + now (Unix ms).
// Plain JS on purpose: it is sent to the page as text, untouched by any bundler.
/* global window, document, requestAnimationFrame, MutationObserver */
(() => {
  const clock = () => performance.timeOrigin + performance.now();
  const bench = {
    /** Every keydown the page received: key, and when the browser created the event. */
    keys: [],
    /** Every new chapter-index text: when the DOM showed it, and when that frame was painted. */
    chapters: [],
    /** Every change of a TiKV node's data-container or data-state on the map. */
    nodes: [],
    lastIndex: null,
    lastNode: {}
  };
  window.__bench = bench;

  // Capture phase on window, registered before the app's listener: it sees the key first.
  window.addEventListener(
    'keydown',
    (e) => bench.keys.push({ key: e.key, at: performance.timeOrigin + e.timeStamp, seenAt: clock() }),
    { capture: true }
  );

  // The frame that shows a change is painted at the end of its rendering step: a message posted
  // from that frame's requestAnimationFrame runs right after the step (style, layout, paint).
  // `frameAt` (a second rAF) is the start of the frame after it, an upper bound.
  const stampPaint = (rec) => {
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        rec.paintAt = clock();
        ch.port1.close();
      };
      ch.port2.postMessage(null);
      requestAnimationFrame(() => (rec.frameAt = clock()));
    });
  };

  const checkIndex = () => {
    const el = document.querySelector('[data-testid="chapter-index"]');
    const text = el && el.textContent ? el.textContent.trim() : null;
    if (text === null || text === bench.lastIndex) return;
    bench.lastIndex = text;
    const rec = { text, domAt: clock(), paintAt: null, frameAt: null };
    bench.chapters.push(rec);
    stampPaint(rec);
  };

  const checkNode = (el) => {
    if (el.getAttribute('data-testid') !== 'cluster-node' || el.getAttribute('data-kind') !== 'tikv') return;
    const name = el.getAttribute('data-name') || '';
    const container = el.getAttribute('data-container') || '';
    const state = el.getAttribute('data-state') || '';
    const was = bench.lastNode[name];
    if (was && was.container === container && was.state === state) return;
    bench.lastNode[name] = { container, state };
    const rec = { name, container, state, domAt: clock(), paintAt: null, frameAt: null };
    bench.nodes.push(rec);
    stampPaint(rec);
  };

  const onMutations = (records) => {
    checkIndex();
    for (const r of records) {
      if (r.type === 'attributes') checkNode(r.target);
      else if (r.type === 'childList')
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1) continue;
          checkNode(n);
          for (const c of n.querySelectorAll('[data-testid="cluster-node"]')) checkNode(c);
        }
    }
  };

  const observer = new MutationObserver(onMutations);
  const watch = () =>
    observer.observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['data-container', 'data-state']
    });
  watch();
  // The idle measurement pauses the probe so that only the app's own work is counted.
  bench.pause = () => {
    onMutations(observer.takeRecords());
    observer.disconnect();
  };
  bench.resume = () => {
    watch();
    onMutations([]);
  };
  /** Drops what was recorded (the soak would otherwise grow the heap it measures). */
  bench.clear = () => {
    bench.keys.length = 0;
    bench.chapters.length = 0;
    bench.nodes.length = 0;
  };
})();
