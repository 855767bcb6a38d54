// No keys -> loopback only, unless the operator forces it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSafeBinding, isLoopbackAddress, isLoopbackHost } from '../../src/metering/binding.ts';

test('loopback hosts and addresses are recognised, others are not', () => {
  for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.5.6.7', '::ffff:127.0.0.1', 'LOCALHOST']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'example.com', '128.0.0.1', '::ffff:10.0.0.1', '']) assert.ok(!isLoopbackHost(h), h);
  assert.equal(isLoopbackAddress(undefined), false);
});

test('a keyless server refuses non-loopback addresses unless forced', () => {
  assert.doesNotThrow(() => assertSafeBinding('127.0.0.1', false, false));
  assert.throws(() => assertSafeBinding('0.0.0.0', false, false), /Refusing to listen on 0\.0\.0\.0 without API keys.*atelier keys create/);
  assert.throws(() => assertSafeBinding('::', false, false), /Refusing/);
  assert.doesNotThrow(() => assertSafeBinding('0.0.0.0', true, false));
  assert.doesNotThrow(() => assertSafeBinding('0.0.0.0', false, true));
});
