/**
 * Return and advantage estimators for A2C (paper App. A.3.2, following COALA-PG's A2C protocol).
 *
 * Layout: B episodes of T rounds, batch-major (`index = episode * T + round`), as in `EpisodeBatch`.
 * Episodes have a fixed length and end for good after round T−1, so the value after the last round is 0
 * (the environment is finite-horizon, not truncated).
 */

/**
 * TD(λ) returns, the value-loss target: G_t = r_t + γ((1−λ)·V_{t+1} + λ·G_{t+1}), with V_T = G_T = 0.
 * λ = 1 gives the Monte-Carlo return, λ = 0 the one-step TD target.
 */
export function lambdaReturns(
  rewards: Float32Array,
  values: Float32Array,
  episodes: number,
  rounds: number,
  gamma: number,
  lambda: number,
): Float32Array {
  checkShapes('lambdaReturns', rewards, values, episodes, rounds);
  const out = new Float32Array(episodes * rounds);
  for (let b = 0; b < episodes; b++) {
    const base = b * rounds;
    let next = 0; // G_{t+1}
    let nextValue = 0; // V_{t+1}
    for (let t = rounds - 1; t >= 0; t--) {
      const g = rewards[base + t] + gamma * ((1 - lambda) * nextValue + lambda * next);
      out[base + t] = g;
      next = g;
      nextValue = values[base + t];
    }
  }
  return out;
}

/**
 * Generalised advantage estimation (Schulman et al. 2015): A_t = Σ_k (γλ)^k δ_{t+k},
 * δ_t = r_t + γ·V_{t+1} − V_t, with V_T = 0.
 */
export function gae(
  rewards: Float32Array,
  values: Float32Array,
  episodes: number,
  rounds: number,
  gamma: number,
  lambda: number,
): Float32Array {
  checkShapes('gae', rewards, values, episodes, rounds);
  const out = new Float32Array(episodes * rounds);
  for (let b = 0; b < episodes; b++) {
    const base = b * rounds;
    let acc = 0;
    let nextValue = 0;
    for (let t = rounds - 1; t >= 0; t--) {
      const delta = rewards[base + t] + gamma * nextValue - values[base + t];
      acc = delta + gamma * lambda * acc;
      out[base + t] = acc;
      nextValue = values[base + t];
    }
  }
  return out;
}

/**
 * Advantage centering (paper Table 2 `advantages_normalization`, COALA-PG App. A.4): subtract the mean
 * advantage, separately within each group of episodes (e.g. episodes against tabular co-players and against
 * learning co-players), so that one co-player type's return level does not leak into the other's gradient.
 * `groups[b]` labels episode b. With `divideByStd` each group is also divided by its own standard deviation (the
 * "normalisation" of many PPO/A2C codebases; not what COALA-PG describes, a study setting here). Modifies
 * `advantages` in place.
 */
export function centerByGroup(
  advantages: Float32Array,
  groups: ArrayLike<number>,
  episodes: number,
  rounds: number,
  divideByStd = false,
): void {
  if (advantages.length !== episodes * rounds || groups.length !== episodes) {
    throw new RangeError(
      `centerByGroup: expected ${episodes * rounds} advantages and ${episodes} group labels, got ${advantages.length} and ${groups.length}`,
    );
  }
  const stats = new Map<number, { sum: number; sumSq: number; count: number }>();
  for (let b = 0; b < episodes; b++) {
    const s = stats.get(groups[b]) ?? { sum: 0, sumSq: 0, count: 0 };
    for (let t = 0; t < rounds; t++) {
      const a = advantages[b * rounds + t];
      s.sum += a;
      s.sumSq += a * a;
    }
    s.count += rounds;
    stats.set(groups[b], s);
  }
  // Each group's shift and scale, computed once; the 1e-8 keeps a group of identical advantages finite (they centre
  // to zero and stay zero).
  const shifts = new Map<number, { mean: number; scale: number }>();
  for (const [group, s] of stats) {
    const mean = s.sum / s.count;
    shifts.set(group, { mean, scale: divideByStd ? 1 / (Math.sqrt(Math.max(0, s.sumSq / s.count - mean * mean)) + 1e-8) : 1 });
  }
  for (let b = 0; b < episodes; b++) {
    const { mean, scale } = shifts.get(groups[b])!;
    for (let t = 0; t < rounds; t++) advantages[b * rounds + t] = (advantages[b * rounds + t] - mean) * scale;
  }
}

function checkShapes(where: string, rewards: Float32Array, values: Float32Array, episodes: number, rounds: number): void {
  const n = episodes * rounds;
  if (rewards.length !== n || values.length !== n) {
    throw new RangeError(`${where}: expected ${n} rewards and values (${episodes} episodes x ${rounds} rounds), got ${rewards.length} and ${values.length}`);
  }
}
