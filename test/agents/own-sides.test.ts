import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from '../../src/rng';
import { swapSeats, type Matchup } from '../../src/agents/match';
import { playOwnSides } from '../../src/agents/own-sides';
import { memoryOneActor, tabularPoolActor } from '../../src/agents/tabular';
import { TFT } from '../../src/game/memory-one';
import { a2cActor, a2cBatchPolicy, createA2cAgent, A2C_STEP4 } from '../../src/learners/a2c';

const CFG = { ...A2C_STEP4, hiddenSize: 8, embedSize: 4, batchEpisodes: 12 };
const MATCHUPS: Matchup[] = [
  { learner: 0, coPlayer: { learner: 1 }, episodes: 5 },
  { learner: 0, coPlayer: { actor: tabularPoolActor() }, episodes: 7 },
  { learner: 1, coPlayer: { actor: memoryOneActor(TFT, 'tft') }, episodes: 3 },
];

for (const identities of [false, true]) {
  test(`playOwnSides: lock-step and one matchup after another hand each learner the same own side (identities: ${identities})`, () => {
    const agents = [0, 1].map((i) => createA2cAgent(CFG, identities, seeded(`agent-${i}`)));
    const options = { rounds: 6, identities };
    const lockStep = playOwnSides({ lockStep: agents.map(a2cBatchPolicy) }, MATCHUPS, seeded('play'), options);
    const perMatchup = playOwnSides({ perMatchup: agents.map(a2cActor) }, MATCHUPS, seeded('play'), options);
    assert.deepEqual(lockStep, perMatchup);
    // Learner 1: the mirrored learner game (its seat B), then its TFT game; the co-player types mark the learner rows.
    const own = lockStep.own[1];
    assert.equal(own.episodes, 5 + 3);
    assert.deepEqual(Array.from(own.learnerCoPlayer), [1, 1, 1, 1, 1, 0, 0, 0]);
    assert.deepEqual(own.actions.subarray(0, 30), lockStep.own[0].coPlayerActions.subarray(0, 30));
    assert.deepEqual(swapSeats(own).rewards.subarray(0, 30), lockStep.own[0].rewards.subarray(0, 30));
    assert.equal(own.coPlayerIds?.length, identities ? 8 * 10 : undefined);
    assert.deepEqual(lockStep.points.map((p) => `${p.learner}:${p.coPlayer}:${p.episodes}`), ['0:learner:5', '1:learner:5', '0:tabular:7', '1:tft:3']);
  });
}

test('playOwnSides refuses a unit in which a learner plays no episode', () => {
  const agents = [0, 1].map((i) => createA2cAgent(CFG, false, seeded(`agent-${i}`)));
  assert.throws(() => playOwnSides({ perMatchup: agents.map(a2cActor) }, [MATCHUPS[1]], seeded('x'), { rounds: 3 }), /learner 1 played no episodes/);
});
