/**
 * Probing a saved agent: play any learner's saved weights (A2C or PPI, from a run's `final/` or `resume/`, or a
 * study's) against named memory-one strategies, ZD extortioners or the random pool, and read its behaviour within
 * the episode beside the exact best response. For questions the runs' own evaluations (ALLC, ALLD, TFT, the pool,
 * the learning co-player) do not answer, e.g. "is this in-context learner extortable?" (`npm run -s probe`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../agents/actor';
import { playMatch } from '../agents/match';
import { memoryOneActor, tabularPoolActor } from '../agents/tabular';
import { bestResponse, finiteHorizon } from '../game/exact';
import { NUM_ROUNDS } from '../game/ipd';
import { perRoundCurves } from '../game/metrics';
import {
  ALLC, ALLD, ALTERNATOR, GRUDGER, GTFT, RANDOM, STFT, TFT, WSLS, maxExtortionPhi, zdExtortion, type MemoryOne,
} from '../game/memory-one';
import { seeded } from '../rng';
import { loadAgent, savedActor } from '../learners/saved';
import type { Algo } from './experiments';
import { savedAgentsDir } from './run-checkpoint';

const NAMED: Readonly<Record<string, MemoryOne>> = Object.freeze({
  allc: ALLC, alld: ALLD, tft: TFT, stft: STFT, wsls: WSLS, grudger: GRUDGER, alternator: ALTERNATOR, random: RANDOM, gtft: GTFT,
});

/** The co-player names `probe` takes: the named strategies, `zd<χ>` (a ZD extortioner) and `pool`. */
export const PROBE_CO_PLAYERS = Object.freeze([...Object.keys(NAMED), 'zd<chi> (e.g. zd2)', 'pool']);

/** A probe co-player: a memory-one strategy (with its exact analysis) or the random pool. */
export interface ProbeCoPlayer {
  readonly name: string;
  readonly strategy: MemoryOne | null;
}

/**
 * A co-player by name. `zd<χ>` is COALA-PG's extortioner s_X − P = χ(s_Y − P) with φ at half its largest feasible
 * value (χ = 2: p0 1, cc 0.9, cd 0.5, dc 0.4, dd 0), whose best response is to cooperate.
 */
export function probeCoPlayer(name: string): ProbeCoPlayer {
  const key = name.trim().toLowerCase();
  if (key === 'pool') return { name: key, strategy: null };
  if (key in NAMED) return { name: key, strategy: NAMED[key] };
  const zd = /^zd(\d+(?:\.\d+)?)$/.exec(key);
  if (zd && Number(zd[1]) > 1) {
    const chi = Number(zd[1]);
    return { name: key, strategy: zdExtortion({ chi, phi: maxExtortionPhi(chi) / 2 }) };
  }
  throw new RangeError(`probe: unknown co-player '${name}'; allowed: ${PROBE_CO_PLAYERS.join(', ')} (zd needs χ > 1)`);
}

/** A saved learner's directory: `dir` itself, or its `learner-<i>` (`savedAgentsDir`: in dir, dir/final, or a checkpoint). */
function learnerDir(dir: string, learner: number): string {
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const holder = savedAgentsDir(dir, learner);
  if (holder) return join(holder, `learner-${learner}`);
  throw new Error(`probe: no saved learner ${learner} under ${dir} (looked for manifest.json in it, learner-${learner}/, final/learner-${learner}/ and a checkpoint in resume/)`);
}

/** A saved learner as a frozen player, with its algorithm and whether it is told co-player identities. */
export function loadSavedAgent(dir: string, learner = 0): { actor: Actor; algo: Algo; opponentId: boolean; dir: string } {
  const d = learnerDir(dir, learner);
  const saved = loadAgent(d);
  return { actor: savedActor(saved), algo: saved.algo, opponentId: saved.opponentId, dir: d };
}

/** Rounds over which the probe averages (round 0 alone, the opening, the middle and the end game). */
export const PROBE_WINDOWS: readonly (readonly [number, number])[] = Object.freeze([[0, 0], [1, 4], [5, 19], [20, 59], [60, 89], [90, 99]]);

export interface ProbeRow {
  readonly coPlayer: string;
  /** The agent's cooperation rate in each of `PROBE_WINDOWS`. */
  readonly cooperation: readonly number[];
  /** Per round over the episode: the agent's and the co-player's reward and cooperation. */
  readonly reward: number;
  readonly coPlayerReward: number;
  readonly coPlayerCooperation: number;
  /** Exact, per round, for a memory-one co-player: the best any policy can earn against it, and Always-Defect's. */
  readonly bestResponse: number | null;
  readonly alwaysDefect: number | null;
}

/** Plays the saved agent against each co-player for `episodes` episodes of 100 rounds, from a seeded stream. */
export function probeAgent(agent: { actor: Actor; opponentId: boolean }, coPlayers: readonly ProbeCoPlayer[], episodes: number, seed = 0): ProbeRow[] {
  if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`probe: episodes must be a positive integer, got ${episodes}`);
  const rng = seeded(`probe-${seed}`);
  return coPlayers.map((co) => {
    const actor = co.strategy ? memoryOneActor(co.strategy, 'tabular') : tabularPoolActor();
    const { batch } = playMatch(agent.actor, actor, episodes, rng.child(co.name), { identities: agent.opponentId });
    const c = perRoundCurves(batch);
    const mean = (xs: Float64Array, a = 0, b = batch.rounds - 1) => {
      let s = 0;
      for (let t = a; t <= b; t++) s += xs[t];
      return s / (b - a + 1);
    };
    return {
      coPlayer: co.name,
      cooperation: PROBE_WINDOWS.map(([a, b]) => mean(c.cooperation[0], a, b)),
      reward: mean(c.reward[0]),
      coPlayerReward: mean(c.reward[1]),
      coPlayerCooperation: mean(c.cooperation[1]),
      bestResponse: co.strategy ? bestResponse(co.strategy).total / NUM_ROUNDS : null,
      alwaysDefect: co.strategy ? finiteHorizon(ALLD, co.strategy).totals[0] / NUM_ROUNDS : null,
    };
  });
}

/** The rows as a Markdown table. */
export function probeTable(rows: readonly ProbeRow[]): string {
  const f = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));
  const windows = PROBE_WINDOWS.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(' → ');
  const lines = [
    `| co-player | cooperation, rounds ${windows} | reward | co-player reward / cooperation | best response | Always-Defect |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.coPlayer} | ${r.cooperation.map((x) => f(x)).join(' → ')} | ${f(r.reward, 3)} | ${f(r.coPlayerReward, 3)} / ${f(r.coPlayerCooperation)} | ${f(r.bestResponse, 3)} | ${f(r.alwaysDefect, 3)} |`),
  ];
  return lines.join('\n');
}
