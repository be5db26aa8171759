// The live cluster map: PD members in a row above, TiKV stores below, stable positions sorted
// by name. A dead node greys out but stays where it was. Leader moves animate: bars glide,
// and a "+3"/"−3" badge with a soft accent outline marks the stores that changed.
import { createContext, memo, useContext, useEffect, useMemo, useState, type JSX } from 'react';
import { shallow } from 'zustand/shallow';
import type { ClusterSnapshot } from '../../../shared/cluster';
import { agoText, compactOpsText, deltaText, intText, opsText, plainNumber } from '../lib/format';
import {
  barPercent,
  mapModel,
  mapRow,
  moreText,
  pdNodeAttrs,
  sameButFigures,
  tikvNodeAttrs,
  type MapRoom,
  type MapRow,
  type PdCardModel,
  type TikvCardModel,
  type TikvFigures
} from '../lib/mapModel';
import { followLeaders, nextDrop, NO_BADGES, pruneBadges, type Badge, type BadgeState } from '../lib/leaderBadges';
import { CrownIcon, StateIcon } from './Icons';
import { useStageClock } from './stageFeed';

/**
 * The leader-move badges (lib/leaderBadges.ts), derived while the map renders the snapshot whose
 * counts moved: React re-runs this render with the new state before it commits, so the counts and
 * their badge paint together. One timer drops the badges whose fade (CSS) has run. Off where no
 * badge is drawn (chips): a large cluster whose leaders shuffle would otherwise keep badges and a
 * timer going every second for nothing; back on, the first snapshot is the baseline.
 */
function useLeaderBadges(tikv: ClusterSnapshot['tikv'], enabled: boolean): Readonly<Record<string, Badge>> {
  const [s, setS] = useState<BadgeState>(NO_BADGES);
  // A monotonic clock: a wall clock set back (NTP, a time zone trip) must not keep a badge alive.
  const next = enabled ? followLeaders(s, tikv, performance.now()) : NO_BADGES;
  if (next !== s) setS(next);
  const drop = nextDrop(next);
  useEffect(() => {
    if (drop === null) return;
    const t = setTimeout(() => setS((old) => pruneBadges(old, performance.now())), Math.max(0, drop - performance.now()));
    return () => clearTimeout(t);
  }, [drop]);
  return next.badges;
}

/** A badge's element is new for each change, so its pop and its fade (CSS) start again. */
const badgeKey = (b: Badge): string => `${b.burst}.${b.change}`;

/** The accent ring of a card whose leaders just moved: it fades with the badge. */
const MoveRing = ({ badge }: { badge: Badge | undefined }): JSX.Element | null =>
  badge ? <span key={badgeKey(badge)} className="node-ring" aria-hidden="true" /> : null;

function PdCard({ n, detail }: { n: PdCardModel; detail: boolean }): JSX.Element {
  return (
    <div
      className={`node node-pd v-${n.visual}${n.dead ? ' dead' : ''}${n.isLeader ? ' is-leader' : ''}`}
      {...pdNodeAttrs(n)}
      title={detail ? `member ${n.memberId}` : undefined}
    >
      <div className="node-head">
        <StateIcon visual={n.visual} />
        <span className="node-name">{n.name}</span>
        {n.isLeader && (
          <span className="pd-leader">
            <CrownIcon />
            leader
          </span>
        )}
      </div>
      <div className="node-state">
        <span className="node-word">{n.word}</span>
        {n.gap && <span className="node-gap">{n.gap}</span>}
      </div>
      {detail && (
        <div className="node-detail">
          health {n.health === null ? 'not asked yet' : n.health ? 'ok' : 'failing'} · container {n.container}
        </div>
      )}
    </div>
  );
}

// A store's ops/s and heartbeat change every second; the rest of its card rarely does. The
// audience card takes them from this context, so only the two lines showing them re-render.
const FiguresContext = createContext<ReadonlyMap<string, TikvFigures>>(new Map());
const NO_FIGURES: TikvFigures = { opsPerSec: null, lastHeartbeatMs: null };
const useFigures = (key: string): TikvFigures => useContext(FiguresContext).get(key) ?? NO_FIGURES;

function HeartbeatAge({ id }: { id: string }): JSX.Element {
  const at = useFigures(id).lastHeartbeatMs;
  const now = useStageClock();
  return <div className="node-hb">heartbeat {agoText(at === null ? null : now - at)}</div>;
}

function NodeOps({ id }: { id: string }): JSX.Element {
  const ops = useFigures(id).opsPerSec;
  // The line's room is kept without figures, so every card's rows stay put when they come.
  return ops !== null ? (
    <div className="node-ops" data-ops={plainNumber(ops)}>
      {compactOpsText(ops)} ops/s
    </div>
  ) : (
    <div className="node-ops node-ops-room" aria-hidden="true">
      {'\u00a0'}
    </div>
  );
}

interface TikvCardProps {
  n: TikvCardModel;
  barMax: number;
  badge: Badge | undefined;
  detail: boolean;
}

function TikvCard({ n, barMax, badge, detail }: TikvCardProps): JSX.Element {
  return (
    <div
      className={`node node-tikv v-${n.visual}${n.dead ? ' dead' : ''}`}
      {...tikvNodeAttrs(n)}
    >
      <MoveRing badge={badge} />
      <div className="node-head">
        <StateIcon visual={n.visual} />
        <span className="node-name">{n.name}</span>
      </div>
      <div className="node-state">
        <span className="node-word">{n.word}</span>
        {n.gap && <span className="node-gap">{n.gap}</span>}
      </div>
      <div className="metric">
        <span className="metric-label">leaders</span>
        {badge && (
          <span key={badgeKey(badge)} className="delta-badge">
            {deltaText(badge.delta)}
          </span>
        )}
        <span className="metric-num">{intText(n.leaders)}</span>
      </div>
      <div className="bar">
        <div className="bar-fill bar-leaders" style={{ width: `${barPercent(n.leaders, barMax)}%` }} />
      </div>
      <NodeOps id={n.key} />
      <div className="metric">
        <span className="metric-label">regions</span>
        <span className="metric-num">{intText(n.regions)}</span>
      </div>
      <div className="bar">
        <div className="bar-fill bar-regions" style={{ width: `${barPercent(n.regions, barMax)}%` }} />
      </div>
      <HeartbeatAge id={n.key} />
      {detail && (
        <div className="node-detail">
          PD {n.pdState} · container {n.container}
          {n.opsPerSec !== null ? ` · ${opsText(n.opsPerSec)} ops/s` : ''}
          <br />
          store {n.storeId} · {n.address}
        </div>
      )}
    </div>
  );
}

// Every snapshot builds new card models; a card re-renders only when what it shows changed (a
// snapshot comes every second; with no workload running, most leave every card as it was). Its
// per-second figures come through FiguresContext, except in the presenter's detail line.
const PdCardM = memo(PdCard, (a, b) => a.detail === b.detail && shallow(a.n, b.n));
const TikvCardM = memo(
  TikvCard,
  (a: TikvCardProps, b: TikvCardProps) =>
    a.barMax === b.barMax && a.badge === b.badge && a.detail === b.detail && (a.detail ? shallow(a.n, b.n) : sameButFigures(a.n, b.n))
);

/** A TiKV store as a tile, when full cards do not fit (mapRow): what the demo watches on a store
 *  (its state and PD's view, its leaders and their moves, its heartbeat's age) in four lines. */
function TikvTile({ n, badge }: { n: TikvCardModel; badge: Badge | undefined }): JSX.Element {
  return (
    <div className={`node node-tikv node-tile v-${n.visual}${n.dead ? ' dead' : ''}`} {...tikvNodeAttrs(n)}>
      <MoveRing badge={badge} />
      <div className="node-head">
        <StateIcon visual={n.visual} />
        <span className="node-name">{n.name}</span>
        <span className="tile-leaders">
          {badge && (
            <span key={badgeKey(badge)} className="delta-badge">
              {deltaText(badge.delta)}
            </span>
          )}
          <b>{intText(n.leaders)}</b>
          <span className="sr-only"> leaders</span>
        </span>
      </div>
      {/* "leaders" under its count, so a four-digit count and its badge keep the head's room. */}
      <div className="tile-state">
        <span className="node-word">{n.word}</span>
        <span className="tile-word" aria-hidden="true">
          leaders
        </span>
      </div>
      {/* PD's view on its own line, kept when there is none: a kill does not move the row below. */}
      {n.gap ? (
        <div className="tile-gap">{n.gap}</div>
      ) : (
        <div className="tile-gap" aria-hidden="true">
          {'\u00a0'}
        </div>
      )}
      <HeartbeatAge id={n.key} />
    </div>
  );
}

const TikvTileM = memo(TikvTile, (a, b) => a.badge === b.badge && sameButFigures(a.n, b.n));

/** A PD member as a chip: icon, name, crown, word. */
function PdChip({ n }: { n: PdCardModel }): JSX.Element {
  return (
    <div className={`chip chip-pd v-${n.visual}${n.dead ? ' dead' : ''}`} {...pdNodeAttrs(n)}>
      <StateIcon visual={n.visual} />
      <span className="chip-name">{n.name}</span>
      {n.isLeader ? <CrownIcon /> : null}
      <span className="chip-word">{n.word}</span>
    </div>
  );
}

/** A TiKV store as a chip: icon, name, word and its leader count. */
function TikvChip({ n }: { n: TikvCardModel }): JSX.Element {
  return (
    <div className={`chip chip-tikv v-${n.visual}${n.dead ? ' dead' : ''}`} {...tikvNodeAttrs(n)}>
      <StateIcon visual={n.visual} />
      <span className="chip-name">{n.name}</span>
      <span className="chip-word">{n.word}</span>
      <span className="chip-num">
        <b>{intText(n.leaders)}</b> leaders
      </span>
    </div>
  );
}

const PdChipM = memo(PdChip, (a, b) => shallow(a.n, b.n));
const TikvChipM = memo(TikvChip, (a, b) => sameButFigures(a.n, b.n));

const nodeAttrs = (n: PdCardModel | TikvCardModel): Record<string, string> => (n.kind === 'pd' ? pdNodeAttrs(n) : tikvNodeAttrs(n));

/** Nodes a view has no room to draw, each still in the page for the scripts that read every node
 *  (DESIGN.md: one cluster-node per member and store), unseen. */
export function UnseenNodes({ nodes }: { nodes: readonly (PdCardModel | TikvCardModel)[] }): JSX.Element | null {
  if (nodes.length === 0) return null;
  return (
    <div className="sr-only">
      {nodes.map((n) => (
        <span key={n.key} {...nodeAttrs(n)}>
          {n.name} {n.word}
        </span>
      ))}
    </div>
  );
}

/** The nodes a room has no chip for: summed up in one chip, and each still in the page, unseen. */
function MoreChips({ more }: { more: readonly (PdCardModel | TikvCardModel)[] }): JSX.Element | null {
  if (more.length === 0) return null;
  return (
    <>
      <div className="chip chip-more" data-testid="map-more">
        {moreText(more)}
      </div>
      <UnseenNodes nodes={more} />
    </>
  );
}

export function ClusterMap({
  cluster,
  detail = false,
  room = 'beside'
}: {
  cluster: ClusterSnapshot;
  /** Presenter view: add PD/Docker states, store ids and addresses (always cards: its pane scrolls). */
  detail?: boolean;
  /** The room the stage gives the map: a cluster larger than its cards fit is drawn as tiles or chips (mapRow). */
  room?: Exclude<MapRoom, 'strip'>;
}): JSX.Element {
  const model = useMemo(() => mapModel(cluster), [cluster]);
  const figures = useMemo(() => new Map(model.tikv.map((n) => [n.key, n] as const)), [model]);
  const pd = useMemo(() => (detail ? cardsOf(model.pd) : mapRow(model.pd, room, 'pd')), [model.pd, detail, room]);
  const tikv = useMemo(() => (detail ? cardsOf(model.tikv) : mapRow(model.tikv, room, 'tikv')), [model.tikv, detail, room]);
  const badges = useLeaderBadges(cluster.tikv, tikv.as !== 'chips');
  if (model.pd.length === 0 && model.tikv.length === 0) {
    return (
      <div className={`map map-empty${detail ? ' map-detail' : ''}`}>
        <p>Waiting for the cluster to answer…</p>
      </div>
    );
  }
  return (
    <div className={`map${detail ? ' map-detail' : ''}`}>
      <div className="map-label">PD · placement driver</div>
      {pd.as === 'cards' ? (
        <div className="map-row map-row-pd">
          {pd.shown.map((n) => (
            <PdCardM key={n.key} n={n} detail={detail} />
          ))}
        </div>
      ) : (
        <div className="map-row map-row-pd map-chips">
          {pd.shown.map((n) => (
            <PdChipM key={n.key} n={n} />
          ))}
          <MoreChips more={pd.more} />
        </div>
      )}
      <div className="map-label">TiKV stores</div>
      {tikv.as === 'cards' ? (
        <FiguresContext.Provider value={figures}>
          <div className="map-row map-row-tikv">
            {tikv.shown.map((n) => (
              <TikvCardM key={n.key} n={n} barMax={model.barMax} badge={badges[n.storeId]} detail={detail} />
            ))}
          </div>
        </FiguresContext.Provider>
      ) : tikv.as === 'tiles' ? (
        <FiguresContext.Provider value={figures}>
          <div className={`map-row map-row-tikv map-tiles map-tiles-${room}`}>
            {tikv.shown.map((n) => (
              <TikvTileM key={n.key} n={n} badge={badges[n.storeId]} />
            ))}
          </div>
        </FiguresContext.Provider>
      ) : (
        <div className={`map-row map-row-tikv map-chips map-chips-${room}`}>
          {tikv.shown.map((n) => (
            <TikvChipM key={n.key} n={n} />
          ))}
          <MoreChips more={tikv.more} />
        </div>
      )}
    </div>
  );
}

function cardsOf<T extends PdCardModel | TikvCardModel>(nodes: T[]): MapRow<T> {
  return { as: 'cards', shown: nodes, more: [] };
}

/** The map as one strip of chips, for a chapter whose panel needs the width (Diagnosis): each
 *  node keeps its place, its colour, icon and word, and (TiKV) its leader count. A large cluster
 *  shows its nodes that are not plain Up first and sums up the rest in one chip. */
export function MapStrip({ cluster }: { cluster: ClusterSnapshot }): JSX.Element {
  const model = useMemo(() => mapModel(cluster), [cluster]);
  const pd = mapRow(model.pd, 'strip', 'pd');
  const tikv = mapRow(model.tikv, 'strip', 'tikv');
  return (
    <div className="map-strip">
      {pd.shown.map((n) => (
        <PdChipM key={n.key} n={n} />
      ))}
      <MoreChips more={pd.more} />
      <span className="map-strip-gap" />
      {tikv.shown.map((n) => (
        <TikvChipM key={n.key} n={n} />
      ))}
      <MoreChips more={tikv.more} />
    </div>
  );
}
