import type { JSX } from 'react';
import type { View } from './lib/route';
import { Audience } from './components/Audience';
import { AudienceFallback, KeepGoing, PresenterFallback, reportDrawError } from './components/KeepGoing';
import { Presenter } from './components/Presenter';

export function App({ view }: { view: View }): JSX.Element {
  return view === 'presenter' ? (
    <KeepGoing fallback={(f) => <PresenterFallback {...f} />} onError={reportDrawError}>
      <Presenter />
    </KeepGoing>
  ) : (
    <KeepGoing fallback={() => <AudienceFallback />} onError={reportDrawError}>
      <Audience />
    </KeepGoing>
  );
}
