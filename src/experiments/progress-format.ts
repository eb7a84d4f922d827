/** How progress reads on a terminal and in the queue's view: one format for both. */

/** Seconds as `1h05m` or `4m09s`; '?' when unknown (no pace yet). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

/**
 * Units (iterations, phases) per second, or per hour when fewer than 0.01 a second: a PPI phase at `long` takes
 * 20–30 minutes, which per second would always read 0.00. `unit` names what is counted (`2.40 units/h`).
 */
export function formatRate(perSecond: number, unit = ''): string {
  const per = unit ? ` ${unit}/` : '/';
  if (!Number.isFinite(perSecond) || perSecond <= 0) return `0${per}s`;
  return perSecond >= 0.01 ? `${perSecond.toFixed(2)}${per}s` : `${(perSecond * 3600).toFixed(2)}${per}h`;
}
