/**
 * Argument validation at the library's boundary. Each helper names the function, the field and the offending
 * value, so a bad input fails where it enters with a message that says what to fix.
 */

/** A finite number, else a RangeError naming `where` and `field`. */
export function finite(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${where}: ${field} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** A boolean, else a TypeError naming `where` and `field`. */
export function boolean(where: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${where}: ${field} must be a boolean, got ${String(value)}`);
  return value;
}

/** A probability in [0, 1] (NaN is rejected). */
export function probability(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${where}: ${field} must be a probability in [0, 1], got ${String(value)}`);
  }
  return value;
}

/** An integer in [min, max]. */
export function integer(where: string, field: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${where}: ${field} must be an integer ${range}, got ${String(value)}`);
  }
  return value;
}

/** A number in the open or closed interval given. */
export function inRange(where: string, field: string, value: unknown, min: number, max: number, open = false): number {
  const v = finite(where, field, value);
  if (open ? !(v > min && v < max) : !(v >= min && v <= max)) {
    const range = open ? `(${min}, ${max})` : `[${min}, ${max}]`;
    throw new RangeError(`${where}: ${field} must lie in ${range}, got ${v}`);
  }
  return v;
}
