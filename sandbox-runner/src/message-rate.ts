/**
 * One connection's message budget: at most `messagesPerWindow` frames per fixed window of
 * `windowMs` (SANDBOX_LIMITS.socket). Over budget, the first extra frame gets one answer, the rest
 * are ignored, and a client still flooding at five times the budget is cut off.
 */

/** What to do with a frame: handle it, refuse it with `rate_limited`, drop it silently, or close. */
export type RateVerdict = "ok" | "refuse" | "ignore" | "close";

export class MessageRate {
  private windowStart = Date.now();
  private count = 0;

  constructor(private readonly limits: { messagesPerWindow: number; windowMs: number }) {}

  /** Counts one frame arriving at `now`. */
  take(now: number): RateVerdict {
    if (now - this.windowStart >= this.limits.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    const max = this.limits.messagesPerWindow;
    if (this.count <= max) return "ok";
    // One answer per window; a client that keeps flooding is cut off.
    if (this.count === max + 1) return "refuse";
    return this.count > max * 5 ? "close" : "ignore";
  }
}
