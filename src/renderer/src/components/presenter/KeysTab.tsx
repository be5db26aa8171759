// The key-learning screen: press the clicker's buttons and see exactly what it sends (key,
// code, auto-repeat), then bind a key to an action. While this screen is open, keys are only
// recorded: they do not drive the show (and F5 or Ctrl+R still never reload).
import { useState, type JSX } from 'react';
import { KEY_ACTIONS, MODIFIER_KEYS, type KeyAction, type ShowState } from '../../../../shared/show';
import { keyMeaning, type KeySeen } from '../../lib/keys';
import { ask, useUi } from '../../state';
import { Btn } from '../Btn';

const ACTION_WORD: Record<KeyAction, string> = {
  next: 'Next',
  prev: 'Back',
  first: 'First',
  last: 'Last',
  blackout: 'Blackout',
  freeze: 'Freeze',
  panic: 'Panic',
  restoreAll: 'Restore all',
  timer: 'Timer',
  ignore: 'Ignore'
};

function keyLabel(key: string): string {
  return key === ' ' ? 'Space' : key;
}

export function KeysTab({ show }: { show: ShowState }): JSX.Element {
  const seen = useUi((s) => s.seen);
  const keymap = show.presenter.keymap;
  // A row picked by a click stays the target only until a newer key arrives: a button pressed
  // after it is the one the presenter means to bind next.
  const [picked, setPicked] = useState<{ key: string; newest: KeySeen | undefined } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest: KeySeen | undefined = seen.find((k) => !MODIFIER_KEYS.includes(k.key));
  // By identity, not time: two keys can arrive in the same millisecond.
  const target = picked && picked.newest === latest ? picked.key : (latest?.key ?? null);

  const bind = async (key: string, action: KeyAction | null): Promise<void> => {
    setError(null);
    const r = await ask('setKeyBinding', key, action);
    if (!r.ok) setError(r.error);
  };

  return (
    <div className="p-tab p-tab-keys" data-testid="key-learning">
      <p className="p-capture-banner" data-testid="key-capture">
        <b>Capturing keys.</b> Press your clicker's buttons: they are listed here and do <b>not</b> move the show. Leave this tab
        to get the clicker back.
      </p>
      <section className="p-card">
        <h2 className="p-h">Last keys received (newest first)</h2>
        {seen.length === 0 ? (
          <p className="p-muted">Nothing yet. Press a button on the clicker.</p>
        ) : (
          <table className="ct-table p-keys-seen" data-testid="keys-seen">
            <thead>
              <tr>
                <th>Key</th>
                <th>Code</th>
                <th>Repeat</th>
                <th>Modifiers</th>
                <th>Does now</th>
              </tr>
            </thead>
            <tbody>
              {seen.map((k, i) => (
                <tr
                  key={`${k.at}-${i}`}
                  className={`p-key-row${target === k.key ? ' is-picked' : ''}`}
                  onClick={() => (MODIFIER_KEYS.includes(k.key) ? undefined : setPicked({ key: k.key, newest: latest }))}
                  data-key={k.key}
                >
                  <td>
                    <kbd>{keyLabel(k.key)}</kbd>
                  </td>
                  <td>{k.code || '—'}</td>
                  <td>{k.repeat ? 'yes (held)' : 'no'}</td>
                  <td>{k.mods || '—'}</td>
                  <td>{keyMeaning(k, keymap)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="p-card">
        <h2 className="p-h">Bind {target ? <kbd>{keyLabel(target)}</kbd> : 'a key'} to</h2>
        {target ? (
          <div className="p-chaos-row">
            {KEY_ACTIONS.map((a) => (
              <Btn
                key={a}
                size="small"
                tone={keymap[target] === a ? 'on' : 'plain'}
                label={ACTION_WORD[a]}
                testId={`bind-${a}`}
                onPress={() => void bind(target, a)}
              />
            ))}
          </div>
        ) : (
          <p className="p-muted">Press a key first (click a row above to pick an older one).</p>
        )}
        {error && <p className="p-problem p-problem-bad">{error}</p>}
      </section>
      <section className="p-card">
        <h2 className="p-h">Your bindings (they win over the defaults)</h2>
        {Object.keys(keymap).length === 0 ? (
          <p className="p-muted">None: the defaults apply (PageDown/→/Space next, PageUp/← back, B or . blackout, F freeze, F5/Esc timer, Shift+Esc panic).</p>
        ) : (
          <ul className="p-keymap" data-testid="keymap">
            {Object.entries(keymap).map(([k, a]) => (
              <li key={k}>
                <kbd>{keyLabel(k)}</kbd> → <b>{ACTION_WORD[a]}</b>
                <Btn size="small" label="Unbind" testId={`unbind-${k}`} onPress={() => void bind(k, null)} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
