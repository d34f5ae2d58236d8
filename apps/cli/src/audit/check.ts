/** The outcome of one invariant of ARCHITECTURE §6 over the loaded data. */
export interface CheckResult {
  /** 1..8, the order they are printed in */
  id: number;
  /** short and stable, for scripts (`stock`, `money`, …) */
  name: string;
  /** what must hold */
  title: string;
  ok: boolean;
  /** how many violations */
  count: number;
  /** what was looked at, e.g. `12 orders, 14 SKUs` */
  checked: string;
  /** one line per violation */
  violations: string[];
  /** context that is not a violation (e.g. orders still in flight) */
  notes: string[];
}

/** `count` defaults to one per violation line (the DLQ check groups many dead letters per line). */
export function result(id: number, name: string, title: string, checked: string, violations: string[], notes: string[] = [], count = violations.length): CheckResult {
  return { id, name, title, ok: count === 0, count, checked, violations, notes };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
