// Start-up: pick the bridge (Electron preload or WebSocket), wire it into the store once,
// catch the clicker's keys above everything, and render the view the URL asks for.
import '@fontsource/inter/400.css';
import '@fontsource/inter/500.css';
import '@fontsource/inter/700.css';
import '@fontsource/inter/800.css';
// Styles, in cascade order: split by what they style (each under 600 lines).
import './styles/01-base.css';
import './styles/02-audience.css';
import './styles/03-map.css';
import './styles/04-workload.css';
import './styles/05-presenter.css';
import './styles/06-presenter-tabs.css';
import './styles/07-slides.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { pickBridge } from './lib/bridge';
import { intentToRequest, sendCall, type StageIntent } from '../../shared/keys';
import { createKeyController, pushSeen } from './lib/keys';
import { keepFromReact } from './lib/quiet-events';
import { startSync } from './lib/store';
import { browserSocket } from './lib/wsClient';
import { bindBridge, clock, pageView, send, stageStore, uiStore } from './state';

const view = pageView;
document.documentElement.dataset.view = view;
document.title = view === 'presenter' ? 'TiKV Stage — presenter' : 'TiKV Stage';

const bridge = pickBridge(window, browserSocket(WebSocket), view);
bindBridge(bridge);
// The audience never shows the action log, so it does not keep one.
startSync(bridge, stageStore, { pace: clock, log: view === 'presenter' });

function sendIntent(i: StageIntent): void {
  const total = stageStore.getState().show?.total ?? (i.type === 'goto' ? i.index + 1 : 1);
  sendCall(intentToRequest(i, total), send);
}

/** The one kind of element that may hold the focus: a text field the presenter clicked into. */
function editableField(): HTMLInputElement | null {
  const a = document.activeElement;
  return a instanceof HTMLInputElement && a.dataset.allowFocus === 'true' ? a : null;
}

// One capture-phase listener on the window: it sees every key before any element could.
const keys = createKeyController(
  sendIntent,
  () => stageStore.getState().show?.presenter?.keymap ?? {},
  Date.now,
  {
    // The key-learning screen records keys instead of driving the show.
    capturing: () => view === 'presenter' && uiStore.getState().tab === 'keys',
    onCapture: (k) => uiStore.setState((s) => ({ seen: pushSeen(s.seen, k) })),
    editing: () => editableField() !== null,
    endEditing: () => editableField()?.blur(),
    onGoto: (digits) => uiStore.setState({ goto: digits === null ? null : { digits, at: Date.now() } })
  }
);
// In Electron, main sees the keys first (before-input-event): tell it when the key-learning
// screen or a text field needs them, and show the G-jump main is tracking.
if (bridge.kind === 'electron' && view === 'presenter') {
  let sent: 'show' | 'capture' | 'text' = 'show';
  const sync = (): void => {
    const mode = uiStore.getState().tab === 'keys' ? 'capture' : editableField() !== null ? 'text' : 'show';
    if (mode === sent) return;
    sent = mode;
    send('keyMode', mode);
  };
  uiStore.subscribe(sync);
  window.addEventListener('focusin', sync);
  window.addEventListener('focusout', () => setTimeout(sync, 0));
  stageStore.subscribe((st, prev) => {
    const digits = st.show?.presenter.gotoTyping ?? null;
    if (digits !== (prev.show?.presenter.gotoTyping ?? null))
      uiStore.setState({ goto: digits === null ? null : { digits, at: Date.now() } });
  });
}
let holdTimer: ReturnType<typeof setInterval> | null = null;
const stopHold = (): void => {
  if (holdTimer) clearInterval(holdTimer);
  holdTimer = null;
};
window.addEventListener(
  'keydown',
  (e) => {
    keys.down(e);
    // Holding the blackout key is the panic gesture: watch the hold only while it lasts.
    if (keys.holding() && !holdTimer) {
      holdTimer = setInterval(() => {
        keys.tick();
        if (!keys.holding()) stopHold();
      }, 100);
    }
  },
  { capture: true }
);
window.addEventListener(
  'keyup',
  (e) => {
    keys.up(e);
    if (!keys.holding()) stopHold();
  },
  { capture: true }
);
window.addEventListener('blur', () => {
  keys.reset();
  stopHold();
});

// Nothing on the page should keep focus: a focused control can eat a clicker's keys.
window.addEventListener(
  'focusin',
  (e) => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.dataset.allowFocus === 'true') return;
    if (t instanceof HTMLElement && t !== document.body) t.blur();
  },
  { capture: true }
);
// A stray drag or context menu on stage is never wanted.
window.addEventListener('dragstart', (e) => e.preventDefault());
window.addEventListener('contextmenu', (e) => e.preventDefault());
keepFromReact(window);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App view={view} />
    </StrictMode>
  );
}
