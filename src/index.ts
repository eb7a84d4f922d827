/**
 * The public API of the library: named re-exports only. Importing this module defines things and does nothing else.
 */
export { Rng, seeded } from './rng';
export type { RngState } from './rng';

// The game and its exact analysis (src/game).
export {
  C, D, Outcome, NUM_OUTCOMES, OUTCOME_NAMES, NUM_ROUNDS, outcomeOf, swapView, payoff, PAPER_PAYOFF, STD_PAYOFF,
  reward, rewardByOutcome, observationOneHot,
} from './game/ipd';
export type { Action, Payoff } from './game/ipd';
export {
  MEMORY_ONE_FIELDS, memoryOne, memoryOneFromArray, toArray, ALLC, ALLD, TFT, STFT, WSLS, GRUDGER, ALTERNATOR, RANDOM,
  gtft, GTFT, maxExtortionPhi, zdExtortion, zdStrategy, sampleMemoryOne, sampleMemoryOneBatch, TabularPool, packMemoryOne,
  memoryOneLogProbs,
} from './game/memory-one';
export type { MemoryOne } from './game/memory-one';
export { emptyEpisodeBatch } from './game/episode';
export type { EpisodeBatch } from './game/episode';
export { IpdEnv, tabularActions, playMemoryOne } from './game/env';
export type { IpdEnvOptions, PlayOptions } from './game/env';
export {
  markovChain, finiteHorizon, longRunDistribution, longRun, discounted, bestResponse, gaussLegendre, POOL_DEFAULT_NODES,
  expectedAgainstPool, bestResponseToPool, BAYES_MAX_ROUNDS, bayesOptimalAgainstPool,
} from './game/exact';
export type { HorizonOptions, MarkovChain, FiniteHorizon, BestResponse, PoolOptions, PoolCeiling } from './game/exact';
export { averageReward, averageRewardWithSe, cooperationRate, cooperationRateWithSe, perRoundCurves } from './game/metrics';
export type { MeanSe, PlayerIndex, RoundCurves } from './game/metrics';
