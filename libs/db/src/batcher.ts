export interface Batcher<I, O> {
  /** resolves with this item's result once its batch has run; rejects with the error of its own run */
  (item: I): Promise<O>;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: calls made in the same turn of the event loop (many requests or answers arriving
 * together) are run as one batch by `run`, which returns one result per item in order. At most
 * `concurrency` batches run at once; what arrives meanwhile waits for the next one, so batches grow with
 * the load and a single call is run at once. When a batch fails, each of its items is run alone, so one
 * bad item fails only itself.
 */
export function createBatcher<I, O>({ run, maxBatch = 200, concurrency = 2 }: { run: (items: I[]) => Promise<O[]>; maxBatch?: number; concurrency?: number }): Batcher<I, O> {
  const queue: Array<Waiting<I, O>> = [];
  let running = 0;
  let scheduled = false;

  async function settle(batch: Array<Waiting<I, O>>): Promise<void> {
    let results: O[];
    try {
      results = await run(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${results.length} results`);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const waiting of batch) await settle([waiting]);
      return;
    }
    batch.forEach((waiting, i) => waiting.resolve(results[i]!));
  }

  const pump = () => {
    scheduled = false;
    while (running < concurrency && queue.length > 0) {
      running += 1;
      void settle(queue.splice(0, maxBatch)).finally(() => {
        running -= 1;
        pump();
      });
    }
  };

  return function batched(item) {
    return new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    });
  };
}
