// A value that follows its source one painted frame later. React's useDeferredValue renders
// the deferred part before the browser paints when there is time, which put the presenter's
// next preview, notes and tabs into the very frame that answers a key; this waits for the frame
// (requestAnimationFrame, then a task after it), so that frame holds only what must be first.
import { useEffect, useState } from 'react';

export function useAfterPaint<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setShown(() => value), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [value, shown]);
  return shown;
}
