import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seeded } from '../../src/rng';
import { playMatch, playMatchups, swapSeats, type Matchup } from '../../src/agents/match';
import { tabularPoolActor } from '../../src/agents/tabular';
import { a2cActor, a2cBatchPolicy, a2cInputs, createA2cAgent, A2C_STEP4 } from '../../src/learners/a2c';
import { resolveEngineKind, rowsIndependent } from '../../src/model/engines';
import type { EngineKind } from '../../src/model/engine';

const CFG = { ...A2C_STEP4, hiddenSize: 8, embedSize: 4, batchEpisodes: 12 };

/**
 * Together, a matchup's rows sit at another place in the learner's batch than alone, so the episodes are equal bit for
 * bit only on an engine that computes each row alike wherever it sits: wasm-simd always, the default engine when its
 * BLAS does (`rowsIndependent`; OpenBLAS's Haswell kernel, also used on AMD Zen, does not).
 */
const engines: EngineKind[] = ['wasm-simd'];
const defaultEngine = resolveEngineKind();
if (defaultEngine !== 'wasm-simd' && rowsIndependent(defaultEngine)) engines.push(defaultEngine);

for (const [engine, identities] of engines.flatMap((e) => [false, true].map((i) => [e, i] as const))) {
  test(`[${engine}] playMatchups plays exactly the episodes of playMatch, one matchup after another (identities: ${identities})`, () => {
    const before = process.env.ICL_ENGINE;
    process.env.ICL_ENGINE = engine;
    try {
      const agents = [0, 1].map((i) => createA2cAgent(CFG, identities, seeded(`agent-${i}`)));
      const matchups: Matchup[] = [
        { learner: 0, coPlayer: { learner: 1 }, episodes: 5 },
        { learner: 0, coPlayer: { actor: tabularPoolActor() }, episodes: 7 },
        { learner: 1, coPlayer: { actor: tabularPoolActor() }, episodes: 3 },
      ];
      const rng = seeded('play');
      const options = { rounds: 6, identities };
      const together = playMatchups(agents.map(a2cBatchPolicy), matchups, rng, options);
      matchups.forEach((m, k) => {
        const b = 'learner' in m.coPlayer ? a2cActor(agents[m.coPlayer.learner]) : m.coPlayer.actor;
        const alone = playMatch(a2cActor(agents[m.learner]), b, m.episodes, rng.child(`match-${k}`), options);
        assert.deepEqual(together[k].batch, alone.batch, `matchup ${k}`);
        assert.deepEqual(together[k].idsOfB, alone.idsOfB, `matchup ${k}: identities told to seat A`);
      });
      // Learner 1's recorded forward is its update's: its rows are the mirrored learner game, then its tabular game.
      const own = [swapSeats(together[0].batch), together[2].batch];
      const recorded = agents[1].net.sequenceOutputs();
      const x = own.map((batch, i) => a2cInputs(agents[1], { ...batch, learnerCoPlayer: new Uint8Array(batch.episodes), coPlayerIds: i === 0 ? together[0].idsOfA : together[2].idsOfB }));
      const direct = [agents[1].net.forward(x[0].x, 5, x[0].steps), agents[1].net.forward(x[1].x, 3, x[1].steps)];
      assert.deepEqual(recorded.subarray(0, direct[0].length), direct[0]);
      assert.deepEqual(recorded.subarray(direct[0].length), direct[1]);
    } finally {
      if (before === undefined) delete process.env.ICL_ENGINE;
      else process.env.ICL_ENGINE = before;
    }
  });
}

test('playMatchups refuses a matchup that names a missing learner or pairs a learner with itself', () => {
  const agents = [createA2cAgent(CFG, false, seeded('a'))];
  assert.throws(() => playMatchups(agents.map(a2cBatchPolicy), [{ learner: 1, coPlayer: { actor: tabularPoolActor() }, episodes: 2 }], seeded('x')), /names learner 1 of 1/);
  assert.throws(() => playMatchups(agents.map(a2cBatchPolicy), [{ learner: 0, coPlayer: { learner: 0 }, episodes: 2 }], seeded('x')), /pairs learner 0 with learner 0/);
});
