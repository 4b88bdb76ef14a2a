import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { AdminServer } from '../../src/node/admin-server.js';
import { formatStatus, type StatusReport } from '../../src/node/status.js';
import { summaryLine } from '../../src/node/notifier.js';
import { fetchStatus } from '../../src/cli/status.js';
import { isInvalidArgument, isUserFacing } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';

const REPORT: StatusReport = {
  identity: 'lumera1ted4l44tkv9kensq9vkqxp8e4jrwnje22lxmad', startedAt: '2026-01-01T00:00:00.000Z', uptimeSeconds: 42,
  services: ['state-db', 'peer-server'],
  chain: { chainId: 'lumera-devnet-1', endpoint: 'http://127.0.0.1:26657', height: '120' },
  epoch: { current: '10', enforcementMode: 'FULL' },
  roles: { challengerTargets: ['lumera1tcwrn88rv06ncs025a3nwkx8kq6av88q6sxjcx'], healerOps: ['3'], verifierOps: [] },
  lastReport: { epoch: '9', results: { pass: 2, hash_mismatch: 1 } },
  localLastSubmittedEpoch: '9',
  claims: { pending: 1, submitted: 2 }, verifications: { pending: 0, submitted: 4 }, rechecks: { pending: 0, submitted: 1 },
  stagingBytes: 2048, peers: { inbound: 3, outbound: 2 },
  metrics: { lep6: {}, healing: {} }, errors: [],
};

test('status: the human form and the one-line summary show every field an operator asks for', () => {
  const text = formatStatus(REPORT);
  for (const want of ['epoch         10, enforcement FULL', 'via http://127.0.0.1:26657', 'healer of op 3', 'epoch 9 (pass=2 hash_mismatch=1)', '1 pending, 2 submitted', '2048 bytes', '3 inbound, 2 outbound']) {
    assert.ok(text.includes(want), `"${want}" in:\n${text}`);
  }
  assert.equal(summaryLine(REPORT), 'epoch 10 FULL | targets 1 | last report 9 pass=2 hash_mismatch=1 | claims 1p/2s | votes 0p/4s | rechecks 0p/1s | staging 2048 B | peers 3 in/2 out');
  assert.match(summaryLine({ ...REPORT, errors: ['height: down'] }), /chain trouble: height: down$/);
});

test('admin server: /status JSON on loopback only, /healthz, 404 elsewhere; status client errors are one clear line', async () => {
  await assert.rejects(new AdminServer(async () => REPORT, silentLogger()).listen('0.0.0.0:0'), (e: unknown) => isInvalidArgument(e) && /loopback/.test((e as Error).message));
  const s = new AdminServer(async () => REPORT, silentLogger());
  const addr = await s.listen('127.0.0.1:0');
  try {
    const { report } = await fetchStatus(addr);
    assert.deepEqual(report, REPORT);
    const code = (path: string) => new Promise<number>((r) => http.get(`http://${addr}${path}`, (res) => (res.resume(), r(res.statusCode ?? 0))));
    assert.equal(await code('/healthz'), 200);
    assert.equal(await code('/nope'), 404);
  } finally {
    await s.close();
  }
  await assert.rejects(fetchStatus(addr, 2000), (e: unknown) => isUserFacing(e) && /cannot reach the daemon's status endpoint .*nothing listens there/.test((e as Error).message));
});
