/**
 * The public API of the library: named re-exports only. Importing this module defines things and does nothing else.
 */
export { Rng, seeded } from './rng';
export type { RngState } from './rng';
