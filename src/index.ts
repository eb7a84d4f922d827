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
export { emptyEpisodeBatch, concatEpisodes, selectEpisodes } from './game/episode';
export type { EpisodeBatch, EpisodeMoves } from './game/episode';
export { IpdEnv, tabularActions, playMemoryOne } from './game/env';
export type { IpdEnvOptions, PlayOptions } from './game/env';
export {
  markovChain, finiteHorizon, longRunDistribution, longRun, discounted, bestResponse, gaussLegendre, POOL_DEFAULT_NODES,
  expectedAgainstPool, bestResponseToPool, BAYES_MAX_ROUNDS, bayesOptimalAgainstPool,
} from './game/exact';
export type { HorizonOptions, MarkovChain, FiniteHorizon, BestResponse, PoolOptions, PoolCeiling } from './game/exact';
export { averageReward, averageRewardWithSe, cooperationRate, cooperationRateWithSe, perRoundCurves } from './game/metrics';
export type { MeanSe, PlayerIndex, RoundCurves } from './game/metrics';

// The sequence-model engine (src/model).
export { GruNet, PAPER_NET, Adam, ADAM_DEFAULTS, NonFiniteGradientError } from './model/gru-net';
export type { GruNetConfig, OptimizerConfig, AdamState, EngineKind } from './model/gru-net';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint } from './model/checkpoint';
export { initBackend, describeBackend } from './model/backend';

// Players, matches and the paper's metrics for learners (src/agents).
export { CO_PLAYER_KINDS, ID_SIZE } from './agents/actor';
export type { Actor, ActorSession, CoPlayerKind } from './agents/actor';
export { playMatch, playMatchups, swapSeats } from './agents/match';
export { playOwnSides } from './agents/own-sides';
export type { LearnerPlayers, OwnEpisodes, OwnSides } from './agents/own-sides';
export type { Matchup, MatchOptions, MatchResult } from './agents/match';
export { tabularPoolActor, memoryOneActor } from './agents/tabular';
export { trainPoint, mergePoints, evaluateEpisodes } from './agents/evaluate';
export type { TrainPoint, EpisodePoint } from './agents/evaluate';

// Learners (src/learners).
export { lambdaReturns, gae, centerByGroup } from './learners/returns';
export {
  A2C_SETTINGS, A2C_STEP1, A2C_STEP2, A2C_STEP3, A2C_STEP4, A2C_STATS, validateA2cConfig, entropyCoefAt, a2cInputSize, createA2cAgent,
  a2cActor, a2cInputs, a2cLoss, a2cUpdate, a2cIteration, trainA2c,
} from './learners/a2c';
export type { A2cConfig, A2cAgent, A2cData, A2cLossStats, A2cIterationResult } from './learners/a2c';

// Experiments (src/experiments).
export { EXPERIMENTS, EXPERIMENT_SPECS, ALGOS, experimentSpec, matchupsFor } from './experiments/experiments';
export type { ExperimentName, ExperimentSpec, Algo, Opponent } from './experiments/experiments';
export { PRESETS, RUN_SETTINGS, a2cPreset, a2cTable2, ppiPreset, allowedSettings } from './experiments/presets';
export type { PresetName, RunSettings, LearnerConfigs } from './experiments/presets';
export { runExperiment, runDir, resolveSettings, applyOverrides, readStatus, DEFAULT_ROOT, ALGORITHMS } from './experiments/run';
export type { RunOptions, RunHooks, RunResult, Progress } from './experiments/run';
export { listRuns, readRunTable, readRunConfig, unitColumn, summarise, parseRoundSpans, roundSpanTable } from './experiments/read-runs';
export type { RunRef, Summary, RoundSpan, RoundSpanRow } from './experiments/read-runs';

// PPI, the paper's own learner (src/learners/ppi.ts; Alg. 1, App. A.3.1, App. C).
export {
  PPI_SETTINGS, PPI_PAPER, PPI_PAPER_BETA, PPI_OUT, PPI_STATS, PPI_TIMINGS, validatePpiConfig, pretrainingData, ppiInputSize, ppiSteps,
  createPpiNet, ppiInputs, ppiLoss, fitPpiModel, rolloutReturns, qHatFromReturns, improvedProbCooperate, ppiActor,
  ensureFitted, pretrainPpi, ppiAgentActor, ppiPhase, trainPpi, packMoves, unpackMoves,
} from './learners/ppi';
export { saveAgent, loadAgent, savedActor } from './learners/saved';
export type { SavedAgent, SavedA2c, SavedPpi } from './learners/saved';
export type { UnitResult, TrainingHooks, TrainingOutcome, WorkListener } from './learners/training';
export type {
  PpiConfig, PpiPolicySettings, PpiData, PpiLossStats, PpiFitStats, PpiStepModel, PpiAgent, PpiPhaseResult,
} from './learners/ppi';
