/** One line of the benchmark table: a figure and the baseline measured in the same run. */
export interface BenchRow {
  measure: string;
  figure: number;
  unit: string;
  baseline: number;
  baselineName: string;
  /** figure / baseline, or baseline / figure when lower is better; > 1 means we beat the baseline. */
  ratio: number;
  goal?: string;
}

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}
