// React listens at its root for every event type it knows and walks each event up the fiber tree
// looking for handlers. The stage's CSS transitions and animations (a bar growing, a card changing
// state, the countdown's number) fire several such events per figure change, and nothing in the
// app handles them: they are stopped at the window, in the capture phase, before React's root.
// The transitions and animations themselves are untouched.

/** Event types no view handles; a handler for one of them (onTransitionEnd...) would never fire. */
export const UNHANDLED_EVENTS = [
  'transitionrun',
  'transitionstart',
  'transitionend',
  'transitioncancel',
  'animationstart',
  'animationend',
  'animationiteration',
  'animationcancel'
] as const;

/** Stops those events at `target` (the window) before they reach React's root. */
export function keepFromReact(target: Pick<EventTarget, 'addEventListener'>): void {
  for (const type of UNHANDLED_EVENTS) target.addEventListener(type, (e) => e.stopPropagation(), { capture: true });
}
