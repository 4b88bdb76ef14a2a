import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromObject, lep6Advisory, type SupernodeConfig } from '../../src/config/index.js';

const base = { supernode: { identity: 'lumera1ksmg483uk7hudtxkmy8ddk6f7x3xapnsadfrgt', key_name: 'k' }, lumera: { chain_id: 'c-1' } };

function config(sc: { enabled?: boolean; lep6?: boolean; recheck?: boolean }, selfHealing?: boolean): SupernodeConfig {
  return configFromObject({
    ...base,
    storage_challenge: { enabled: sc.enabled ?? false, lep6: { enabled: sc.lep6 ?? false, recheck: { enabled: sc.recheck ?? false } } },
    self_healing: { enabled: selfHealing ?? false },
  });
}

test('advisory names each disabled toggle in spec order', () => {
  const all = lep6Advisory(configFromObject(base));
  assert.equal(all.length, 1);
  assert.match(all[0] ?? '', /opted out of \[storage_challenge\.lep6\.enabled=false, storage_challenge\.lep6\.recheck\.enabled=false, self_healing\.enabled=false\]/);
  const some = lep6Advisory(config({ enabled: true, lep6: true }, false));
  assert.equal(some.length, 1);
  assert.match(some[0] ?? '', /opted out of \[storage_challenge\.lep6\.recheck\.enabled=false, self_healing\.enabled=false\]/);
  assert.doesNotMatch(some[0] ?? '', /storage_challenge\.lep6\.enabled=false/);
});

test('advisory is empty when all three toggles are on', () => {
  const on = config({ enabled: true, lep6: true, recheck: true }, true);
  assert.deepEqual(lep6Advisory(on), []);
  assert.deepEqual(lep6Advisory(on, { enforcementMode: 'FULL' }), []);
  assert.deepEqual(lep6Advisory(on, { enforcementMode: 1 }), []);
});

test('advisory flags a LEP-6 toggle without its parent and reads the chain mode', () => {
  const orphan = lep6Advisory(config({ enabled: false, lep6: true }, true));
  assert.ok(orphan.some((l) => /storage_challenge\.lep6\.enabled=true has no effect while storage_challenge\.enabled=false/.test(l)));
  const off = configFromObject(base);
  assert.ok(lep6Advisory(off, { enforcementMode: 'STORAGE_TRUTH_ENFORCEMENT_MODE_UNSPECIFIED' }).some((l) => /UNSPECIFIED/.test(l)));
  const full = lep6Advisory(off, { enforcementMode: 3 });
  assert.ok(full.some((l) => /mode is FULL: the opt-outs above are scored now/.test(l)));
  assert.ok(full.some((l) => /FULL but the LEP-6 dispatcher is off/.test(l)));
  const shadow = lep6Advisory(off, { enforcementMode: 'SHADOW' });
  assert.equal(shadow.length, 1, 'SHADOW adds nothing to the opt-out line');
  assert.throws(() => lep6Advisory(off, { enforcementMode: 7 }), /chainParams\.enforcementMode must be 0\.\.3, got 7/);
});
