import { describe, expect, it } from 'vitest';
import { parsePromText, tikvRequestCount } from '../../../src/main/workload/prom-text';

const TIKV = `# HELP tikv_grpc_msg_duration_seconds Bucketed histogram of grpc server messages
# TYPE tikv_grpc_msg_duration_seconds histogram
tikv_grpc_msg_duration_seconds_bucket{priority="normal",type="raw_get",le="0.0005"} 1201
tikv_grpc_msg_duration_seconds_bucket{priority="normal",type="raw_get",le="+Inf"} 52011
tikv_grpc_msg_duration_seconds_sum{priority="normal",type="raw_get"} 31.5
tikv_grpc_msg_duration_seconds_count{priority="normal",type="raw_get"} 52011
tikv_grpc_msg_duration_seconds_count{priority="normal",type="raw_put"} 49877
tikv_grpc_msg_duration_seconds_count{priority="high",type="raw_batch_get_command"} 12
# HELP tikv_raftstore_region_count Number of regions
# TYPE tikv_raftstore_region_count gauge
tikv_raftstore_region_count{type="leader"} 12
tikv_raftstore_region_count{type="region"} 36
weird_metric{path="a\\"b",x="1"} NaN
`;

describe('Prometheus text', () => {
  it('reads samples with labels, escapes and special values', () => {
    const s = parsePromText(TIKV);
    expect(s.find((x) => x.name === 'tikv_raftstore_region_count' && x.labels.type === 'leader')?.value).toBe(12);
    expect(s.find((x) => x.name.endsWith('_bucket') && x.labels.le === '+Inf')?.value).toBe(52011);
    const w = s.find((x) => x.name === 'weird_metric');
    expect(w?.labels.path).toBe('a"b');
    expect(Number.isNaN(w?.value)).toBe(true);
  });
  it('sums one TiKV request counter over every type', () => {
    expect(tikvRequestCount(TIKV)).toBe(52011 + 49877 + 12);
    expect(tikvRequestCount('# nothing here\n')).toBeNull();
  });
});
