// Which view this page is. Browser mode: `/` is the audience, `/presenter` the presenter view.
// Electron loads index.html from disk, so it says `?view=presenter` instead.

import type { ViewName } from '../../../shared/contract';

export type View = ViewName;

export interface LocationLike {
  pathname: string;
  search: string;
  hash?: string;
}

export function viewFromLocation(loc: LocationLike): View {
  const q = new URLSearchParams(loc.search).get('view');
  if (q === 'presenter') return 'presenter';
  if (q === 'audience') return 'audience';
  const path = loc.pathname.replace(/\/+$/, '');
  if (/\/presenter(\.html)?$/.test(path)) return 'presenter';
  return 'audience';
}
