import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App, Router, engine } from '@kindling/core';

test('the suite runs on the native uWS binding, not the ws emulation', () => {
  assert.equal(engine, 'uws-native');
  assert.equal(new App(new Router(), { logger: false }).engine, 'uws-native');
});
