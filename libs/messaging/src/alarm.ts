/**
 * The sleep of a worker loop that something else can cut short: a NOTIFY, a finished call. A wake-up
 * that comes while the loop is busy (not asleep) is kept, so the next `sleep` returns at once instead of
 * waiting for the poll timer.
 */
export interface Alarm {
  wake(): void;
  /** resolves after `ms`, or at the next wake(); at once if woken since the last sleep */
  sleep(ms: number): Promise<void>;
}

export function createAlarm(): Alarm {
  let woken = false;
  let interrupt = () => {};
  return {
    wake() {
      woken = true;
      interrupt();
    },
    async sleep(ms) {
      if (!woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          interrupt = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        interrupt = () => {};
      }
      woken = false;
    },
  };
}
