const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const two = (n: number) => String(n).padStart(2, "0");

/**
 * A duration for people: `0ms`, `412ms`, `1.204s`, `59.9s`, `3m05s`, `2h03m`, `7d`, `3d04h`. Negative
 * durations keep their sign.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < SECOND) return `${Math.round(ms)}ms`;
  if (ms < 10 * SECOND) return `${(Math.floor(ms) / SECOND).toFixed(3)}s`;
  if (ms < MINUTE) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m${two(Math.floor((ms % MINUTE) / SECOND))}s`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h${two(Math.floor((ms % HOUR) / MINUTE))}m`;
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  return hours === 0 ? `${days}d` : `${days}d${two(hours)}h`;
}

/** Offset from a reference instant, always signed: `+0ms`, `+1.204s`. */
export const formatOffset = (ms: number): string => (ms < 0 ? formatDuration(ms) : `+${formatDuration(ms)}`);

/** `3m05s ago` for an ISO time before `now`; `-` when there is no time. */
export function formatAge(iso: string | undefined, now: Date): string {
  if (!iso) return "-";
  const at = Date.parse(iso);
  return Number.isNaN(at) ? "-" : `${formatDuration(Math.max(0, now.getTime() - at))} ago`;
}

/** Nanoseconds (as JetStream configs carry them) to a duration; 0 means "unlimited" there. */
export const formatNanos = (nanos: number): string => (nanos > 0 ? formatDuration(nanos / 1e6) : "unlimited");
