import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccountAddress, grpcTarget, parseDialTarget, parsePeerHostPort } from '../../src/transport/peer-address.js';
import { isInvalidArgument } from '../../src/util/errors.js';
import { testSigner } from './helpers.js';

const acct = testSigner('addr').address;

test('peer address: registry addresses parse per R1.6.1', () => {
  const cases: Array<[string, string, number]> = [
    ['10.0.0.1', '10.0.0.1', 4444],
    ['10.0.0.1:5555', '10.0.0.1', 5555],
    ['10.0.0.1:0', '10.0.0.1', 4444],
    ['10.0.0.1:99999', '10.0.0.1', 4444],
    ['node.example.org:7000', 'node.example.org', 7000],
    ['https://node.example.org:7443/path', 'node.example.org', 7443],
    ['http://node.example.org', 'node.example.org', 4444],
    ['[2001:db8::1]', '2001:db8::1', 4444],
    ['[2001:db8::1]:6000', '2001:db8::1', 6000],
    ['2001:db8::1', '2001:db8::1', 4444],
    ['  10.0.0.2  ', '10.0.0.2', 4444],
  ];
  for (const [raw, host, port] of cases) assert.deepEqual(parsePeerHostPort(raw, 4444), { host, port }, raw);
  for (const bad of ['', '   ', 'a b', 'host/x', 'user@host', 'ho?st', 'a:b:c', '[2001:db8::1', 'h#x']) {
    assert.throws(() => parsePeerHostPort(bad, 4444), isInvalidArgument, JSON.stringify(bad));
  }
  assert.throws(() => parsePeerHostPort('h', 0), isInvalidArgument);
  assert.equal(grpcTarget({ host: '2001:db8::1', port: 1 }), '[2001:db8::1]:1');
  assert.equal(grpcTarget({ host: 'h', port: 2 }), 'h:2');
});

test('peer address: dial targets need the identity before @', () => {
  assert.deepEqual(parseDialTarget(`${acct}@127.0.0.1:4444`), { identity: acct, host: '127.0.0.1', port: 4444 });
  assert.deepEqual(parseDialTarget(`${acct}@[::1]:4444`), { identity: acct, host: '::1', port: 4444 });
  for (const bad of ['127.0.0.1:4444', `@127.0.0.1:4444`, `${acct}@127.0.0.1`, `${acct}@127.0.0.1:0`, `cosmos1xyz@h:1`, `${acct}x@h:1`]) {
    assert.throws(() => parseDialTarget(bad), isInvalidArgument, bad);
  }
  assert.equal(checkAccountAddress(acct, 'a'), acct);
  assert.throws(() => checkAccountAddress('lumera1qqqq', 'a'), (e: unknown) => isInvalidArgument(e) && e.argument === 'a');
});
