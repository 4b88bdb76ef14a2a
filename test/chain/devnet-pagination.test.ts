/**
 * Pagination past the chain's default page of 100: a devnet with 150 supernodes, listed completely, in pages of
 * any size; the page cap truncates and is logged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startDevnet } from '../../src/devnet/index.js';
import { connectLumeraClient } from '../../src/chain/client.js';
import { ChainConnection } from '../../src/chain/connection.js';
import { supernodeQuery } from '../../src/wire/index.js';
import { silentLogger } from '../../src/util/logger.js';

test('devnet: ListSuperNodes follows next_key past 100 entries (150 supernodes)', { timeout: 120_000 }, async () => {
  const devnet = await startDevnet({ supernodes: 150, autoBlocks: false, fundedAccounts: 0 }, silentLogger());
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }));
  const all = await connectLumeraClient({ rpcUrls: [devnet.rpcUrl] });
  const small = await connectLumeraClient({ rpcUrls: [devnet.rpcUrl], query: { pageLimit: 40n } });
  const capped = await connectLumeraClient({ rpcUrls: [devnet.rpcUrl], query: { pageLimit: 40n, maxPages: 2 }, logger });
  const raw = new ChainConnection({ urls: [devnet.rpcUrl] });
  try {
    await devnet.produceBlock();
    const expected = devnet.supernodes.map((s) => s.address).sort();

    // What the reference does (no pagination): the chain's default page of 100 and a non-empty next_key.
    const first = await raw.query(supernodeQuery.listSuperNodes, {});
    assert.equal(first.supernodes.length, 100);
    assert.ok((first.pagination?.nextKey.length ?? 0) > 0);

    const listed = await all.listSupernodes();
    assert.equal(listed.length, 150);
    assert.deepEqual(listed.map((s) => s.supernodeAccount).sort(), expected);
    const paged = await small.listSupernodes();
    assert.deepEqual(paged.map((s) => s.supernodeAccount).sort(), expected, 'pages of 40 give the same 150, no duplicates');

    const truncated = await capped.listSupernodes();
    assert.equal(truncated.length, 80);
    const warn = lines.map((l) => JSON.parse(l) as { msg: string; query: string; pages: number });
    assert.ok(warn.some((w) => w.msg === 'pagination page cap reached; list is truncated' && w.query === 'ListSuperNodes' && w.pages === 2));
  } finally {
    for (const c of [all, small, capped]) c.close();
    raw.close();
    await devnet.stop();
  }
});
