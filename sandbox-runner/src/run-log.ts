/**
 * Build output on its way to the learner's terminal, batched: a `yes` flood becomes one frame
 * every `flushMs`, not a frame per chunk. (Sanitising is `lib/progress-render`'s job.)
 */

export type LogEntry = { stepId?: string; stream: "stdout" | "stderr" | "runner"; chunk: string };

/** Coalesces consecutive chunks of the same step and stream; flushes at most every `flushMs`. */
export class LogBatcher {
  private pending: LogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly flushMs: number,
    private readonly sink: (entry: LogEntry) => void,
  ) {}

  push(entry: LogEntry): void {
    if (entry.chunk === "") return;
    const last = this.pending.at(-1);
    if (last && last.stepId === entry.stepId && last.stream === entry.stream) last.chunk += entry.chunk;
    else this.pending.push({ ...entry });
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const entries = this.pending;
    this.pending = [];
    for (const entry of entries) this.sink(entry);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
