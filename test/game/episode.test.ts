import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatEpisodes, emptyEpisodeBatch, selectEpisodes } from '../../src/game/episode';

const moves = (episodes: number, rounds: number, first: number, ids: boolean) => ({
  episodes, rounds,
  actions: Uint8Array.from({ length: episodes * rounds }, (_, i) => (first + i) % 2),
  coPlayerActions: Uint8Array.from({ length: episodes * rounds }, (_, i) => (first + i) % 3 === 0 ? 1 : 0),
  ...(ids ? { coPlayerIds: Float32Array.from({ length: episodes * 10 }, (_, i) => -(first + i)) } : {}),
});

test('concatEpisodes joins every array field, per round and per episode alike, and refuses parts that differ', () => {
  const a = moves(2, 3, 0, true), b = moves(1, 3, 100, true);
  const ab = concatEpisodes([a, b]);
  assert.equal(ab.episodes, 3);
  assert.deepEqual(Array.from(ab.actions), [...a.actions, ...b.actions]);
  assert.deepEqual(Array.from(ab.coPlayerIds!), [...a.coPlayerIds!, ...b.coPlayerIds!]);
  assert.equal(concatEpisodes([a]), a, 'one part is returned as it is');
  const batch = { ...emptyEpisodeBatch(2, 3), learnerCoPlayer: Uint8Array.from([0, 1]) };
  assert.deepEqual(Array.from(concatEpisodes([batch, batch]).learnerCoPlayer), [0, 1, 0, 1]);
  assert.throws(() => concatEpisodes([a, moves(1, 3, 0, false)]), /some parts carry co-player identities and some do not/);
  assert.throws(() => concatEpisodes([a, moves(1, 4, 0, true)]), /episodes of 4 and 3 rounds cannot be joined/);
});

test('selectEpisodes copies the chosen episodes in the order given, with their per-episode fields', () => {
  const a = moves(3, 2, 0, true);
  const picked = selectEpisodes(a, [2, 0]);
  assert.equal(picked.episodes, 2);
  assert.deepEqual(Array.from(picked.actions), [...a.actions.subarray(4, 6), ...a.actions.subarray(0, 2)]);
  assert.deepEqual(Array.from(picked.coPlayerIds!), [...a.coPlayerIds!.subarray(20, 30), ...a.coPlayerIds!.subarray(0, 10)]);
});
