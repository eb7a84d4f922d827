/**
 * Deterministic fault injection, for the tests of what a run guarantees (README "Guarantees of a run").
 *
 * Every write, rename and removal that a run's on-disk state goes through (run directory, checkpoint generations,
 * CSV appends, model checkpoints) calls `ioStep(label)` right after it completes. With `ICL_FAULT_AT=<n>` in the
 * environment, the process kills itself with SIGKILL right after its n-th step: no signal handler, `finally` block
 * or exit hook runs, exactly as with `kill -9` at that instant. A test can so kill a run at every such point in
 * turn instead of at random moments. With `ICL_FAULT_TRACE=<file>`, each step's number and label is appended to
 * the file, which tells a test how many points there are and which is which.
 *
 * Steps are counted per process, from its start. Without the variables (always, outside tests) a step costs a
 * comparison. The model is a killed process: the operating system keeps what was written, so this tests the
 * ordering of the steps, not what a power cut does to unflushed data (the fsyncs before each rename are there for that).
 */
import { appendFileSync } from 'node:fs';

const faultAt = parseStep(process.env.ICL_FAULT_AT);
const tracePath = process.env.ICL_FAULT_TRACE || undefined;
let steps = 0;

function parseStep(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ICL_FAULT_AT must be a whole number >= 1, got '${text}'`);
  return n;
}

/** Marks the end of one on-disk step (see above); kills the process here when this is the step to fault at. */
export function ioStep(label: string): void {
  if (faultAt === undefined && tracePath === undefined) return;
  steps++;
  if (tracePath) appendFileSync(tracePath, `${steps}\t${label}\n`);
  if (steps === faultAt) process.kill(process.pid, 'SIGKILL');
}
