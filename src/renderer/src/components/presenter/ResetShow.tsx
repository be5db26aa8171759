// "Run the show again": after a rehearsal, the talk, without restarting the app. One click arms
// it, a second within 4 s fires it (a stray click resets nothing). Main restores every fault,
// waits for the cluster to settle and starts the show afresh; rehearsals and key bindings stay.
import { useEffect, useState, type JSX } from 'react';
import { ask } from '../../state';
import { Btn } from '../Btn';

const ARM_MS = 4000;

export function ResetShowButton(): JSX.Element {
  const [phase, setPhase] = useState<'idle' | 'armed' | 'busy'>('idle');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (phase !== 'armed') return;
    const t = setTimeout(() => setPhase('idle'), ARM_MS);
    return () => clearTimeout(t);
  }, [phase]);

  const press = async (): Promise<void> => {
    if (phase === 'busy') return;
    if (phase === 'idle') {
      setResult(null);
      setPhase('armed');
      return;
    }
    setPhase('busy');
    const r = await ask('resetShow');
    setPhase('idle');
    setResult(r.ok ? { ok: true, text: 'The show starts again from the first chapter: every beat is armed.' } : { ok: false, text: `Could not reset the show: ${r.error}` });
  };
  const label = phase === 'armed' ? 'Click again: restore every fault and start over' : phase === 'busy' ? 'Resetting: waiting for the cluster to settle…' : 'Run the show again';
  return (
    <div className="p-reset-show">
      <Btn size="small" tone={phase === 'armed' ? 'armed' : 'plain'} label={label} testId="reset-show" disabled={phase === 'busy'} onPress={() => void press()} />
      {result && <p className={`p-problem ${result.ok ? 'p-ok' : 'p-problem-bad'}`}>{result.text}</p>}
    </div>
  );
}
