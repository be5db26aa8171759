import type { JSX } from 'react';
import type { View } from './lib/route';
import { Audience } from './components/Audience';
import { Presenter } from './components/Presenter';

export function App({ view }: { view: View }): JSX.Element {
  return view === 'presenter' ? <Presenter /> : <Audience />;
}
