import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatRate } from '../../src/experiments/progress-format';

test('durations read as hours and minutes, or minutes and seconds; unknown ones as ?', () => {
  assert.equal(formatDuration(0), '0m00s');
  assert.equal(formatDuration(249.9), '4m09s');
  assert.equal(formatDuration(3599), '59m59s');
  assert.equal(formatDuration(3600 + 5 * 60 + 59), '1h05m');
  assert.equal(formatDuration(-3), '0m00s');
  for (const unknown of [NaN, Infinity, null, undefined]) assert.equal(formatDuration(unknown), '?');
});

test('rates read per second, or per hour below 0.01 a second (a PPI phase of 25 minutes: 2.40/h, not 0.00/s)', () => {
  assert.equal(formatRate(12.345), '12.35/s');
  assert.equal(formatRate(0.01), '0.01/s');
  assert.equal(formatRate(1 / 1500), '2.40/h');
  assert.equal(formatRate(0), '0/s');
  assert.equal(formatRate(NaN), '0/s');
  assert.equal(formatRate(1 / 1500, 'units'), '2.40 units/h');
  assert.equal(formatRate(3, 'units'), '3.00 units/s');
});
