/** Percentiles and small summaries of latency samples (milliseconds). */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
  };
}

/**
 * Runs `fn` over `items` with at most `limit` at once; stops taking new items once `stop()` is true. A failing item
 * does not stop the others (every lane finishes before this returns, so no call outlives the connection); the
 * failures are returned.
 */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<string[]> {
  let next = 0;
  const failures: string[] = [];
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !stop()) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (err) {
        failures.push(`${String(items[index])}: ${(err as Error).message}`);
      }
    }
  });
  await Promise.all(lanes);
  return failures;
}
