/**
 * A resource loaded on first use whose failure is remembered: the native libraries of the `blas` and `native`
 * engines, which may be missing on a machine. `get` throws the same error every time (prefixed with what it is),
 * `available` never throws, `failure` says why it is unavailable.
 */
export interface Lazy<T> {
  get(): T;
  available(): boolean;
  failure(): string | null;
}

export function lazy<T>(what: string, load: () => T): Lazy<T> {
  let value: T | undefined;
  let failed: string | null = null;
  const get = (): T => {
    if (value !== undefined) return value;
    if (failed) throw new Error(failed);
    try {
      value = load();
      return value;
    } catch (e) {
      failed = `${what} unavailable: ${e instanceof Error ? e.message : String(e)}`;
      throw new Error(failed);
    }
  };
  const available = (): boolean => {
    try {
      get();
      return true;
    } catch {
      return false;
    }
  };
  return { get, available, failure: () => (available() ? null : failed) };
}
