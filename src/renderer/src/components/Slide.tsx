// A chapter's slide as the deck lays it out (`layout:`), with its reveal step, and the two
// miniatures of the presenter view: the live mirror of the audience screen and the preview of
// what the next press shows. Both miniatures render the very component the audience window
// renders, scaled from its 1920×1080 design to their box.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type JSX, type ReactNode } from 'react';
import type { Chapter, SlideImage } from '../../../shared/show';
import { renderMarkdown } from '../lib/narration';
import { useFit } from './useFit';

/** Shows the first `step` top-level list items of a revealing slide; the rest keep their place, unseen. */
function useReveal(ref: { current: HTMLElement | null }, steps: number, step: number, html: string): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const items = el.querySelectorAll<HTMLElement>(':scope > ul > li, :scope > ol > li');
    items.forEach((li, i) => {
      const hidden = steps > 0 && i >= step;
      li.classList.toggle('reveal-hidden', hidden);
      li.dataset.reveal = hidden ? 'hidden' : 'shown';
    });
  }, [ref, steps, step, html]);
}

/** Slide Markdown: rendered safely, shrunk to fit, revealed item by item. */
export function SlideMarkdown({
  source,
  className,
  fitMin,
  steps = 0,
  step = 0
}: {
  source: string;
  className: string;
  fitMin: number;
  steps?: number;
  step?: number;
}): JSX.Element {
  const html = useMemo(() => renderMarkdown(source), [source]);
  const fit = useFit<HTMLDivElement>(source, fitMin);
  useReveal(fit.ref, steps, step, html);
  // renderMarkdown escapes raw HTML from the deck; only marked's and the highlighter's output reaches the page.
  return (
    <div
      ref={fit.ref}
      className={`${className}${fit.overflowing ? ' is-clipped' : ''}`}
      style={fit.style}
      data-steps={steps || undefined}
      data-step={steps ? step : undefined}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

function Picture({ image }: { image: SlideImage }): JSX.Element {
  if (image.kind === 'local') return <img className="slide-image" src={image.url} alt={image.alt} />;
  return (
    <div className="slide-image slide-image-placeholder" data-testid="image-placeholder">
      {image.text}
    </div>
  );
}

/** The body of a text slide in its layout; a slide with the map or a panel keeps the map's layout. */
export function SlideBody({ chapter, step }: { chapter: Chapter; step: number }): JSX.Element {
  const layout = chapter.layout ?? 'default';
  const steps = chapter.steps ?? 0;
  const body = (className: string, fitMin: number): JSX.Element => (
    <SlideMarkdown className={className} source={chapter.narration} fitMin={fitMin} steps={steps} step={step} />
  );
  switch (layout) {
    case 'two-cols':
      return (
        <div className="slide-cols">
          {body('narration slide-col', 28 / 36)}
          <SlideMarkdown className="narration slide-col slide-col-right" source={chapter.right ?? ''} fitMin={28 / 36} />
        </div>
      );
    case 'image-right':
      return (
        <div className="slide-cols">
          {body('narration slide-col', 28 / 36)}
          <div className="slide-col slide-col-image">{chapter.image ? <Picture image={chapter.image} /> : null}</div>
        </div>
      );
    case 'quote':
      return body('narration slide-quote', 28 / 48);
    case 'section':
      return body('narration slide-section-sub', 28 / 40);
    case 'center':
      return body('narration slide-center-body', 28 / 42);
    default:
      return body('narration', 28 / 42);
  }
}

/** Scales a 1920×1080 stage into its box: the box sets --u from its own width. */
export function StageBox({
  children,
  className,
  testId,
  attrs
}: {
  children: ReactNode;
  className: string;
  testId: string;
  attrs?: Record<string, string>;
}): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // The stage inside carries the audience's own test ids; here they would name the presenter's
  // page twice, so they are renamed (scripts find the mirror by its own id).
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const rename = (): void => {
      for (const n of el.querySelectorAll<HTMLElement>('[data-testid]')) {
        n.dataset.mirrorTestid = n.dataset.testid ?? '';
        delete n.dataset.testid;
      }
    };
    rename();
    const mo = new MutationObserver(rename);
    mo.observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-testid'] });
    return () => mo.disconnect();
  }, []);
  const style = { '--mirror-u': `${width / 1920}px` } as CSSProperties;
  return (
    <div ref={ref} className={`stage-box ${className}`} data-testid={testId} style={style} {...attrs}>
      {width > 0 ? children : null}
    </div>
  );
}
