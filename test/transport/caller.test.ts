import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { bindCaller, callerOf, supernodeCallerOf, UnauthenticatedCallError } from '../../src/transport/caller.js';
import { echoService } from './helpers.js';

test('callerOf: calls that did not come through an authenticated connection are refused', () => {
  assert.throws(() => callerOf({}), (err: unknown) => err instanceof UnauthenticatedCallError && err.code === grpc.status.UNAUTHENTICATED);
});

test('bindCaller: each call carries the connection identity; class implementations keep `this`', () => {
  class Impl {
    prefix = 'seen:';
    whoAmI(call: object, cb: (e: null, v: string) => void): void {
      cb(null, `${this.prefix}${callerOf(call).address}`);
    }
  }
  const bound = bindCaller(echoService, new Impl() as unknown as grpc.UntypedServiceImplementation, { address: 'lumera1abc', peerType: 1 });
  const call = {};
  let result = '';
  (bound.whoAmI as (c: object, cb: (e: null, v: string) => void) => void)(call, (_e, v) => (result = v));
  assert.equal(result, 'seen:lumera1abc');
  assert.deepEqual(callerOf(call), { address: 'lumera1abc', peerType: 1 });
  assert.throws(() => supernodeCallerOf(call), UnauthenticatedCallError);
  assert.throws(() => {
    (callerOf(call) as { address: string }).address = 'lumera1forged';
  }, TypeError);
});
