export interface ProgressState {
  phase: string;
  elapsedS: number;
  totalS?: number | undefined;
  sent?: number;
  offered?: number;
  accepted?: number;
  finished?: number;
  inFlight?: number;
  note?: string;
}

const BAR = 20;

/** One line: `[steady ███████░░░ 12.0/30s] sent 6,150/15,000 accepted 6,100 finished 5,800 in flight 50`. */
export function progressLine(s: ProgressState): string {
  const n = (v: number) => v.toLocaleString("en-US");
  const share = s.totalS ? Math.min(1, s.elapsedS / s.totalS) : undefined;
  const bar = share === undefined ? "" : ` ${"█".repeat(Math.round(share * BAR))}${"░".repeat(BAR - Math.round(share * BAR))}`;
  const clock = s.totalS ? `${s.elapsedS.toFixed(1)}/${s.totalS}s` : `${s.elapsedS.toFixed(1)}s`;
  const parts = [`[${s.phase}${bar} ${clock}]`];
  if (s.sent !== undefined) parts.push(`sent ${n(s.sent)}${s.offered ? `/${n(s.offered)}` : ""}`);
  if (s.accepted !== undefined) parts.push(`accepted ${n(s.accepted)}`);
  if (s.finished !== undefined) parts.push(`finished ${n(s.finished)}`);
  if (s.inFlight !== undefined) parts.push(`in flight ${n(s.inFlight)}`);
  if (s.note) parts.push(s.note);
  return parts.join(" ");
}

/**
 * Progress on stderr: on a terminal, one line rewritten in place (\r); otherwise (CI, a pipe, a log
 * file) a plain line every `everyMs`, so logs stay readable.
 */
export function createProgress({ stream = process.stderr, enabled = true, everyMs = 5_000 }: { stream?: NodeJS.WriteStream; enabled?: boolean; everyMs?: number } = {}) {
  const tty = Boolean(stream.isTTY);
  let last = 0;
  let width = 0;
  return {
    update(state: ProgressState) {
      if (!enabled) return;
      const line = progressLine(state);
      if (tty) {
        const columns = stream.columns || 120;
        const shown = line.length > columns - 1 ? line.slice(0, columns - 1) : line;
        stream.write(`\r${shown}${" ".repeat(Math.max(0, width - shown.length))}`);
        width = shown.length;
      } else if (Date.now() - last >= everyMs) {
        stream.write(`${line}\n`);
        last = Date.now();
      }
    },
    /** a message on its own line (the progress line continues under it) */
    log(message: string) {
      if (!enabled) return;
      if (tty && width) stream.write(`\r${" ".repeat(width)}\r`);
      width = 0;
      stream.write(`${message}\n`);
    },
    done() {
      if (enabled && tty && width) stream.write("\n");
      width = 0;
    },
  };
}
export type Progress = ReturnType<typeof createProgress>;
