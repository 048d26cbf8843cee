// A log sink for long runs: counts lines per level and keeps only the last few errors, so thousands of requests
// neither flood the output nor grow memory (the malformed-body check measures RSS).
const KEPT_ERRORS = 20;

export class LogTally {
  readonly counts: Record<string, number> = {};
  readonly lastErrors: string[] = [];

  readonly sink = (line: string): void => {
    let level = 'unknown';
    try {
      level = String((JSON.parse(line) as { level?: unknown }).level ?? 'unknown');
    } catch {
      // A line that is not JSON is itself worth seeing.
      level = 'unparsed';
    }
    this.counts[level] = (this.counts[level] ?? 0) + 1;
    if (level === 'error' || level === 'unparsed') {
      this.lastErrors.push(line.slice(0, 500));
      if (this.lastErrors.length > KEPT_ERRORS) this.lastErrors.shift();
    }
  };
}
