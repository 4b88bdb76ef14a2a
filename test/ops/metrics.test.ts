import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Lep6Metrics } from '../../src/challenge/metrics.js';
import { HealMetrics } from '../../src/healing/metrics.js';
import { createNodeMetrics, type MetricSources } from '../../src/metrics/node-metrics.js';
import { LEP6_SIGNALS } from '../../src/metrics/lep6-signals.js';
import { MetricsServer } from '../../src/metrics/server.js';
import { timedChainClient, timedProofCaller } from '../../src/metrics/timing.js';
import type { LumeraClient } from '../../src/chain/client.js';
import { isInvalidArgument } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';

function sources(lep6: Lep6Metrics, heal: HealMetrics, extra: Partial<MetricSources> = {}): MetricSources {
  return {
    lep6: () => lep6.snapshot(), heal: () => heal.snapshot(),
    inboundPeerConnections: () => 3, outboundPeerChannels: () => 2, loopFailures: () => 7, unhandledRejections: () => 0, ...extra,
  };
}

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

test('metrics: every spec 04 §8 signal is exported under one prefix with the recorded labels, normalised', async () => {
  const lep6 = new Lep6Metrics();
  const heal = new HealMetrics();
  // Recorded exactly as the services record them.
  lep6.inc('dispatch_results_total', 'STORAGE_PROOF_RESULT_CLASS_PASS');
  lep6.inc('dispatch_results_total', 'storage_proof_result_class_pass');
  lep6.inc('dispatch_results_total', 'STORAGE_PROOF_RESULT_CLASS_HASH_MISMATCH');
  lep6.inc('dispatch_throttled_total', 'oldest-arrival-fair-by-target-bucket');
  lep6.inc('dispatch_epoch_duration_millis_total', 'challenger', 120);
  lep6.inc('ticket_discovery_total', 'eligible');
  lep6.set('no_ticket_provider_active', 1);
  lep6.inc('recheck_candidates_found_total');
  lep6.inc('recheck_evidence_submitted_total', 'class=storage_proof_result_class_hash_mismatch,outcome=submitted');
  lep6.inc('recheck_execution_failures_total', 'execute');
  lep6.set('recheck_pending_candidates', 4);
  heal.inc('heal_claims_submitted_total', 'result=submitted');
  heal.inc('heal_claims_submitted_total', 'result=submit_transient');
  heal.inc('heal_verifications_submitted_total', 'verified=true,result=submitted');
  heal.inc('heal_verifications_submitted_total', 'verified=false,result=dedup');
  heal.inc('heal_finalize_cleanups_total', 'HEAL_OP_STATUS_FAILED');
  heal.inc('heal_finalize_publishes_total');
  heal.set('self_healing_staging_bytes', 4096);
  heal.set('self_healing_pending_claims', 2);

  const m = createNodeMetrics(sources(lep6, heal), { processMetrics: false });
  const text = await m.text();
  for (const s of LEP6_SIGNALS) assert.match(text, new RegExp(`^# TYPE supernode_${s.name} ${s.kind}$`, 'm'), s.name);
  const lines = [
    'supernode_dispatch_results_total{class="storage_proof_result_class_pass"} 2',
    'supernode_dispatch_results_total{class="storage_proof_result_class_hash_mismatch"} 1',
    'supernode_dispatch_throttled_total{policy="oldest-arrival-fair-by-target-bucket"} 1',
    'supernode_dispatch_epoch_duration_millis_total{role="challenger"} 120',
    'supernode_ticket_discovery_total{result="eligible"} 1',
    'supernode_no_ticket_provider_active 1',
    'supernode_recheck_candidates_found_total 1',
    'supernode_recheck_evidence_submitted_total{class="storage_proof_result_class_hash_mismatch",outcome="submitted"} 1',
    'supernode_recheck_execution_failures_total{reason="execute"} 1',
    'supernode_recheck_pending_candidates 4',
    'supernode_heal_claims_submitted_total{outcome="submitted"} 1',
    'supernode_heal_claims_submitted_total{outcome="submit_transient"} 1',
    'supernode_heal_verifications_submitted_total{verified="positive",result="submitted"} 1',
    'supernode_heal_verifications_submitted_total{verified="negative",result="dedup"} 1',
    'supernode_heal_finalize_cleanups_total{status="heal_op_status_failed"} 1',
    'supernode_heal_finalize_publishes_total 1',
    'supernode_self_healing_staging_bytes 4096',
    'supernode_self_healing_pending_claims 2',
    'supernode_peer_inbound_connections 3',
    'supernode_peer_outbound_channels 2',
    'supernode_loop_iteration_failures_total 7',
  ];
  for (const l of lines) assert.ok(text.split('\n').includes(l), `missing line: ${l}`);

  // Counters follow the services between scrapes (and never go down).
  lep6.inc('dispatch_results_total', 'STORAGE_PROOF_RESULT_CLASS_PASS', 3);
  assert.ok((await m.text()).split('\n').includes('supernode_dispatch_results_total{class="storage_proof_result_class_pass"} 5'));
});

test('metrics: process metrics carry the same prefix; each daemon has its own registry', async () => {
  const a = createNodeMetrics(sources(new Lep6Metrics(), new HealMetrics()));
  const b = createNodeMetrics(sources(new Lep6Metrics(), new HealMetrics()));
  const text = await a.text();
  assert.match(text, /^supernode_process_cpu_user_seconds_total /m);
  assert.match(text, /^supernode_nodejs_eventloop_lag_seconds /m);
  assert.ok(!/^process_cpu/m.test(text), 'no unprefixed series');
  assert.notEqual(a.creator.registry, b.creator.registry);
});

test('metrics: chain and peer calls are timed per method and outcome; properties pass through', async () => {
  const m = createNodeMetrics(sources(new Lep6Metrics(), new HealMetrics()), { processMetrics: false });
  const fake = {
    chainId: 'test-1',
    getHeight: async () => 5n,
    getCurrentEpoch: async () => {
      throw new Error('down');
    },
    close: () => undefined,
  } as unknown as LumeraClient;
  const c = timedChainClient(fake, m.chainRpcSeconds);
  assert.equal(c.chainId, 'test-1');
  assert.equal(await c.getHeight(), 5n);
  await assert.rejects(c.getCurrentEpoch(), /down/);
  let made = 0;
  const p = timedProofCaller(() => {
    made++;
    return { getCompoundProof: async () => ({ ok: true }) as never };
  }, m.peerRpcSeconds);
  await p.getCompoundProof('x', {} as never, 1000);
  await p.getCompoundProof('x', {} as never, 1000);
  assert.equal(made, 1, 'the real caller is built once, on first use');
  const text = await m.text();
  assert.match(text, /^supernode_chain_rpc_duration_seconds_count\{method="getHeight",outcome="ok"\} 1$/m);
  assert.match(text, /^supernode_chain_rpc_duration_seconds_count\{method="getCurrentEpoch",outcome="error"\} 1$/m);
  assert.match(text, /^supernode_peer_rpc_duration_seconds_count\{method="GetCompoundProof",outcome="ok"\} 2$/m);
});

test('metrics server: GET /metrics on the configured address, 404 elsewhere, bad address named', async () => {
  const m = createNodeMetrics(sources(new Lep6Metrics(), new HealMetrics()), { processMetrics: false });
  const s = new MetricsServer(m, silentLogger());
  const addr = await s.listen('127.0.0.1:0');
  try {
    const ok = await get(`http://${addr}/metrics`);
    assert.equal(ok.status, 200);
    assert.match(ok.type, /^text\/plain/);
    assert.match(ok.body, /supernode_dispatch_results_total/);
    assert.equal((await get(`http://${addr}/other`)).status, 404);
  } finally {
    await s.close();
  }
  await assert.rejects(new MetricsServer(m, silentLogger()).listen('nonsense'), (e: unknown) => isInvalidArgument(e) && /supernode\.metrics_address/.test((e as Error).message));
});
