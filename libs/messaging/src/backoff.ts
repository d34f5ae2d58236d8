/** Exponential backoff with full jitter: attempt 1 → ~base, doubling up to `max`. */
export function backoffMs(attempt: number, { base = 250, max = 30_000 }: { base?: number; max?: number } = {}): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
