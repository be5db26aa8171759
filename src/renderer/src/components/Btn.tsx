// A presenter button: large, with its key shown on it, and never keeping the focus (a focused
// control could swallow the clicker's keys).
import type { JSX, MouseEvent, ReactNode } from 'react';

export type BtnTone = 'plain' | 'primary' | 'warn' | 'danger' | 'armed' | 'on';

export function Btn({
  label,
  keys,
  onPress,
  tone = 'plain',
  size = 'big',
  disabled = false,
  title,
  testId,
  className
}: {
  label: ReactNode;
  /** The key(s) that do the same, shown on the button; omit for mouse-only buttons. */
  keys?: string;
  onPress: () => void;
  tone?: BtnTone;
  size?: 'big' | 'small';
  disabled?: boolean;
  title?: string;
  testId?: string;
  className?: string;
}): JSX.Element {
  return (
    <button
      type="button"
      tabIndex={-1}
      disabled={disabled}
      title={title}
      data-testid={testId}
      className={`btn btn-${tone} btn-${size}${className ? ` ${className}` : ''}`}
      onMouseDown={(e: MouseEvent) => e.preventDefault()}
      onClick={(e: MouseEvent<HTMLButtonElement>) => {
        e.currentTarget.blur();
        onPress();
      }}
    >
      <span className="btn-label">{label}</span>
      {keys && <kbd className="btn-key">{keys}</kbd>}
    </button>
  );
}
