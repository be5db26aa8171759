// Inline SVG icons: no icon font and no dependence on which glyphs the system font has.
import type { JSX } from 'react';
import type { IconName, Visual } from '../lib/mapModel';
import { VISUAL_ICON } from '../lib/mapModel';

const GLYPHS: Record<IconName, JSX.Element> = {
  check: <path d="M6.6 12.6l3.7 3.7 7.2-8.2" />,
  cross: <path d="M8 8l8 8M16 8l-8 8" />,
  question: (
    <>
      <path d="M9.3 9.4a2.8 2.8 0 1 1 4.1 2.5c-.9.5-1.4 1.1-1.4 2v.5" />
      <circle cx="12" cy="17.4" r="1.2" className="icon-dot" />
    </>
  ),
  pause: <path d="M10 7.5v9M14 7.5v9" />,
  cut: <path d="M5.5 12h4M14.5 12h4M9.5 8.5v7M14.5 8.5v7" />,
  dash: <path d="M7.5 12h9" />,
  'arrow-down': <path d="M12 6.5v10M8 12.5l4 4 4-4" />,
  'arrow-right': <path d="M6.5 12h10M12.5 8l4 4-4 4" />,
  stone: <path d="M9 17v-6.5a3 3 0 0 1 6 0V17zM7.5 17h9" />
};

/** A state icon: a disc in the state's colour with a dark glyph (shape + colour + the word beside it). */
export function StateIcon({ visual, className }: { visual: Visual; className?: string }): JSX.Element {
  return (
    <svg className={`state-icon v-${visual} ${className ?? ''}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="11.5" className="icon-disc" />
      <g className="icon-glyph">{GLYPHS[VISUAL_ICON[visual]]}</g>
    </svg>
  );
}

export function CrownIcon(): JSX.Element {
  return (
    <svg className="crown-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M3 18.5L4.6 7.5l4.9 4.4L12 5l2.5 6.9 4.9-4.4L21 18.5z" />
    </svg>
  );
}
