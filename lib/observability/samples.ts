// A fixed-size window of recent samples with percentiles (pure; the /api/stats numbers).

export class SampleWindow {
  private readonly values: number[] = [];
  /** The values in order, kept until the next add: one summary asks for several percentiles. */
  private sorted: number[] | null = null;
  constructor(private readonly capacity = 1000) {}

  add(v: number): void {
    this.values.push(v);
    if (this.values.length > this.capacity) this.values.shift();
    this.sorted = null;
  }

  get count(): number {
    return this.values.length;
  }

  /** Nearest-rank percentile; null when empty. */
  percentile(p: number): number | null {
    if (this.values.length === 0) return null;
    const sorted = (this.sorted ??= [...this.values].sort((a, b) => a - b));
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
  }

  summary(): { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null } {
    return {
      count: this.count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.percentile(100),
    };
  }
}
