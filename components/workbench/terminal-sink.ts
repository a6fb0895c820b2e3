/**
 * Where build output goes before and after the xterm terminal exists. The terminal is loaded
 * lazily, and a fast runner can answer before it mounts: output is buffered until it attaches.
 */
export type TerminalLike = { write(text: string): void; clear(): void };

const forXterm = (text: string) => text.replace(/\r?\n/g, "\r\n");

export class TerminalSink {
  private terminal: TerminalLike | null = null;
  private pending = "";
  /** Shown by every terminal that attaches (a remount too) until the first run clears it. */
  private placeholder: string | null;

  constructor(placeholder = "") {
    this.placeholder = placeholder ? forXterm(placeholder) : null;
  }

  attach(terminal: TerminalLike | null): void {
    this.terminal = terminal;
    if (!terminal) return;
    if (this.placeholder) terminal.write(this.placeholder);
    if (this.pending) terminal.write(this.pending);
    this.pending = "";
  }

  /** Text with "\n" line ends; xterm needs "\r\n" to return to column 0. */
  write(text: string): void {
    if (!text) return;
    const out = forXterm(text);
    if (this.terminal) this.terminal.write(out);
    else this.pending += out;
  }

  clear(): void {
    this.placeholder = null;
    this.pending = "";
    this.terminal?.clear();
  }
}
