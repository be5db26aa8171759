// An error while drawing must not end the show: React unmounts a whole root on a render error,
// which would leave the projector black until the app restarts. KeepGoing catches it, shows a
// calm fallback (on stage: the bare background, nothing alarming), tells the presenter through
// main, and draws again after a short wait, so the next state usually brings the view back.
import { Component, type ErrorInfo, type JSX, type ReactNode } from 'react';
import { ask, pageView } from '../state';

/** Wait before drawing again after the nth failure in a row: 0.5, 1, 2, 4, then 5 s. Pure. */
export function redrawDelayMs(failures: number): number {
  return Math.min(5000, 500 * 2 ** Math.max(0, failures - 1));
}

/** A failure this long after the last one starts counting from 1 again. */
const CALM_MS = 30_000;

interface Props {
  children: ReactNode;
  /** Shown while the view waits to draw again. */
  fallback: (info: { message: string; retryInMs: number }) => ReactNode;
  /** Called once per new error text (not on every retry of the same failure). */
  onError: (message: string) => void;
}

interface State {
  error: string | null;
  failures: number;
  lastAt: number;
}

export class KeepGoing extends Component<Props, State> {
  override state: State = { error: null, failures: 0, lastAt: 0 };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private reported: string | null = null;

  static getDerivedStateFromError(e: unknown): Partial<State> {
    return { error: messageOf(e) };
  }

  override componentDidCatch(e: unknown, _info: ErrorInfo): void {
    const now = Date.now();
    const failures = now - this.state.lastAt > CALM_MS ? 1 : this.state.failures + 1;
    this.setState({ failures, lastAt: now });
    const message = messageOf(e);
    if (message !== this.reported) {
      this.reported = message;
      try {
        this.props.onError(message);
      } catch {
        // telling the presenter must not fail the recovery
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.setState({ error: null });
    }, redrawDelayMs(failures));
  }

  override componentWillUnmount(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return this.props.fallback({ message: this.state.error, retryInMs: redrawDelayMs(Math.max(1, this.state.failures)) });
  }
}

function messageOf(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.slice(0, 300) || 'an unknown error';
}

/** The audience's fallback: black, as in a blackout, so the room sees a pause, not an error. */
export function AudienceFallback(): JSX.Element {
  return <div className="aud-root" data-testid="audience-redrawing" />;
}

/** The presenter's fallback: what happened, and that the show goes on. */
export function PresenterFallback({ message, retryInMs }: { message: string; retryInMs: number }): JSX.Element {
  return (
    <div className="presenter presenter-waiting" data-testid="presenter-redrawing" role="alert">
      <h1>This view hit an error while drawing</h1>
      <p>{message}</p>
      <p>
        It draws again in {Math.ceil(retryInMs / 1000)} s. The show itself runs in the app: keys, faults and the other window carry
        on.
      </p>
    </div>
  );
}

/** Tells the presenter (through main) that this page hit an error while drawing. */
export function reportDrawError(message: string): void {
  void ask('reportViewError', pageView, message);
}

/**
 * A part of a stage (the map, a panel) that may fail alone: the slide's title and text stay
 * up while it waits to draw again, in its place and empty.
 */
export function SafePart({ children }: { children: ReactNode }): JSX.Element {
  return (
    <KeepGoing fallback={() => null} onError={reportDrawError}>
      {children}
    </KeepGoing>
  );
}
