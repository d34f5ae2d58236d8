/** Wall-clock time in ms with sub-ms resolution: comparable with JetStream and PostgreSQL timestamps on this host. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
