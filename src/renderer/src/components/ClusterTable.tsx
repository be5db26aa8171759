// The presenter's view of the cluster: one row per TiKV store and PD member, with PD's word and
// Docker's word side by side, leaders, regions, heartbeat age and request rate. Dense on
// purpose: the audience has the map, the presenter needs the numbers. Past TABLE_ROWS stores,
// those that are not plain Up come first and the rest are summed up in one row (capRow).
import { useMemo, type JSX } from 'react';
import type { ClusterSnapshot } from '../../../shared/cluster';
import { pdStateWord } from '../../../shared/cluster';
import { agoText, intText, opsText } from '../lib/format';
import { TABLE_ROWS, capRow, heartbeatStale, mapModel, moreText, pdNodeAttrs, tikvNodeAttrs } from '../lib/mapModel';
import { UnseenNodes } from './ClusterMap';
import { useServerNow } from '../state';
import { CrownIcon, StateIcon } from './Icons';

/** The heartbeat's age: the one cell that follows the one-second clock (the table does not). */
function HeartbeatCell({ at }: { at: number | null }): JSX.Element {
  const now = useServerNow();
  const hb = at === null ? null : now - at;
  return <td className={`num${heartbeatStale(at, now) ? ' ct-warn' : ''}`}>{agoText(hb)}</td>;
}

function containerWord(c: string, partitioned: boolean): string {
  const w = c === 'exited' ? 'exited (killed)' : c;
  return partitioned ? `${w}, cut off` : w;
}

export function ClusterTable({ cluster }: { cluster: ClusterSnapshot }): JSX.Element {
  const model = useMemo(() => mapModel(cluster), [cluster]);
  // A store whose heartbeat the table flags is never the one folded into "+ N more, Up".
  const rows = useMemo(() => capRow(model.tikv, TABLE_ROWS, (n) => heartbeatStale(n.lastHeartbeatMs, cluster.now)), [model.tikv, cluster.now]);
  const partitioned = useMemo(() => new Map(cluster.tikv.map((n) => [n.storeId, n.partitioned])), [cluster.tikv]);
  const pdPartitioned = useMemo(() => new Map(cluster.pd.map((n) => [n.memberId, n.partitioned])), [cluster.pd]);
  if (model.pd.length === 0 && model.tikv.length === 0) return <p className="p-muted">Waiting for the cluster to answer…</p>;
  return (
    <div className="ct">
      <table className="ct-table ct-tikv">
        <thead>
          <tr>
            <th>TiKV</th>
            <th>PD says</th>
            <th>Container</th>
            <th className="num">Leaders</th>
            <th className="num">Regions</th>
            <th className="num">Heartbeat</th>
            <th className="num">ops/s</th>
          </tr>
        </thead>
        <tbody>
          {rows.shown.map((n) => {
            const cut = partitioned.get(n.storeId) ?? false;
            return (
              <tr
                key={n.key}
                className={`ct-row v-${n.visual}${n.dead ? ' dead' : ''}`}
                {...tikvNodeAttrs(n)}
              >
                <td className="ct-name">
                  <StateIcon visual={n.visual} />
                  <span>
                    <b>{n.name}</b>
                    <span className="ct-sub">store {n.storeId}</span>
                  </span>
                </td>
                <td className={n.pdState === 'up' ? '' : 'ct-warn'}>{pdStateWord(n.pdState)}</td>
                <td className={n.container === 'running' && !cut ? '' : 'ct-warn'}>{containerWord(n.container, cut)}</td>
                <td className="num ct-big">{intText(n.leaders)}</td>
                <td className="num">{intText(n.regions)}</td>
                <HeartbeatCell at={n.lastHeartbeatMs} />
                <td className="num">{n.opsPerSec === null ? '—' : opsText(n.opsPerSec)}</td>
              </tr>
            );
          })}
          {rows.more.length > 0 && (
            <tr className="ct-more">
              <td colSpan={7} data-testid="table-more">
                {moreText(rows.more)}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <UnseenNodes nodes={rows.more} />
      <table className="ct-table ct-pd">
        <thead>
          <tr>
            <th>PD</th>
            <th>Health</th>
            <th>Role</th>
            <th>Container</th>
          </tr>
        </thead>
        <tbody>
          {model.pd.map((n) => (
            <tr
              key={n.key}
              className={`ct-row v-${n.visual}${n.dead ? ' dead' : ''}`}
              {...pdNodeAttrs(n)}
            >
              <td className="ct-name">
                <StateIcon visual={n.visual} />
                <b>{n.name}</b>
              </td>
              <td className={n.health === false ? 'ct-warn' : ''}>{n.health === null ? 'not asked yet' : n.health ? 'healthy' : 'failing'}</td>
              <td>
                {n.isLeader ? (
                  <span className="ct-leader">
                    <CrownIcon /> leader
                  </span>
                ) : (
                  'follower'
                )}
              </td>
              <td className={n.container === 'running' && !(pdPartitioned.get(n.memberId) ?? false) ? '' : 'ct-warn'}>
                {containerWord(n.container, pdPartitioned.get(n.memberId) ?? false)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
