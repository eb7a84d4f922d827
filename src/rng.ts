/**
 * The project's only source of randomness: a seeded, labelled, serialisable random stream.
 *
 * Every stochastic function takes an `Rng` argument; nothing calls `Math.random` or samples through a tensor
 * backend, so a run is a deterministic function of its seed on every backend. `child(label)` derives an
 * independent stream from this stream's seed and a label (not from its position), so adding a draw in one
 * part of a program never shifts the random numbers of another part. `state()` / `restore()` capture the
 * position of a stream, so a resumed run continues the very same sequence.
 */
import seedrandom from 'seedrandom';

/** The serialisable position of an `Rng` (seedrandom's Alea state plus the stream's seed string). */
export interface RngState {
  readonly seed: string;
  readonly alea: { c: number; s0: number; s1: number; s2: number };
  /** A Gaussian deviate held over from the last Box–Muller pair, or null. */
  readonly spareNormal: number | null;
}

export class Rng {
  private readonly prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  private spare: number | null = null;

  /** @param seed any integer or string; the same seed always gives the same stream. */
  constructor(
    readonly seed: string,
    state?: RngState,
  ) {
    this.prng = seedrandom.alea(seed, { state: state ? { ...state.alea } : true });
    if (state) this.spare = state.spareNormal;
  }

  /** Uniform in [0, 1), 53 bits. */
  uniform(): number {
    return this.prng.double();
  }

  /** An integer uniform in [0, n). */
  int(n: number): number {
    if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.prng.double() * n);
  }

  /** A standard normal deviate (Box–Muller, both values of each pair used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.prng.double();
    const v = this.prng.double();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.prng.double() < p;
  }

  /** An independent stream named by this stream's seed and `label`; it does not advance this stream. */
  child(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** The current position, for checkpoints. */
  state(): RngState {
    return { seed: this.seed, alea: { ...this.prng.state() }, spareNormal: this.spare };
  }

  /** A stream that continues exactly where `state` was taken. */
  static restore(state: RngState): Rng {
    return new Rng(state.seed, state);
  }
}

/** The root stream of a run. */
export function seeded(seed: number | string): Rng {
  return new Rng(String(seed));
}
