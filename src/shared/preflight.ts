// The preflight board: go / no-go before the show, each red line with how to fix it.

export interface PreflightLine {
  /** One line per image the show starts: `image:pingcap/go-ycsb:latest`; `images` when Docker cannot say. */
  id: 'docker' | 'images' | `image:${string}` | 'disk' | 'containers' | 'pd' | 'pd-config' | 'stores' | 'leaders' | 'ledger' | 'recording';
  ok: boolean;
  /** Amber: fine to go, but worth fixing (e.g. the only backup recording is from the simulator). */
  warn?: boolean;
  title: string;
  /** What was found. */
  detail: string;
  /** How to fix it, when red. */
  fix: string | null;
}

export interface PreflightReport {
  at: number;
  ok: boolean;
  lines: PreflightLine[];
}
