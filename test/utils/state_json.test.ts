// State files keep NaN and ±Infinity, which plain JSON turns into null.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseState, stringifyState } from '../../src/utils/state_json.js';

test('stringifyState / parseState round-trip non-finite numbers at any depth', () => {
  const value = { temperature: Infinity, history: { valLoss: [1.5, NaN, -Infinity] }, name: 'Infinity', n: 3 };
  const text = stringifyState(value);
  assert.match(text, /"temperature":\{"\$number":"Infinity"\}/);
  assert.equal(JSON.parse(text).name, 'Infinity', 'strings are left alone');
  assert.deepEqual(parseState(text), value);
  // An object that merely has a $number key among others is data, not an encoded number.
  assert.deepEqual(parseState('{"a":{"$number":"NaN","unit":"x"}}'), { a: { $number: 'NaN', unit: 'x' } });
});
