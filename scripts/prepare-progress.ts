/**
 * `images:prepare` progress on a terminal: one live line under the printed log for the image being
 * built, with a bar from its `Step n/m` lines (`[██████░░░░]  7/12`), the step running now, the
 * time so far and which image of how many this is. Pure: the script feeds events in and writes
 * the text out (`\r` + erase line, so the live line is redrawn in place and never scrolls).
 * Off a terminal (CI, a pipe) the script prints plain lines only.
 */
import type { PrepareEvent } from "../sandbox-runner/images/prepare";

export type PrepareProgress = {
  /** Images started so far (built or found up to date), of `total` when known. */
  started: number;
  total: number | null;
  current: { ref: string; step: number; steps: number | null; text: string; since: number } | null;
};

export function initialProgress(total: number | null): PrepareProgress {
  return { started: 0, total, current: null };
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;

export function nextProgress(p: PrepareProgress, e: PrepareEvent, now: number): PrepareProgress {
  switch (e.type) {
    case "image-start":
      return {
        ...p,
        started: p.started + 1,
        current: e.action === "build" ? { ref: e.ref, step: 0, steps: null, text: e.reason, since: now } : null,
      };
    case "step": {
      if (!p.current || p.current.ref !== e.ref) return p;
      const m = STEP.exec(e.text);
      // Recipes without a Dockerfile (debootstrap, import) report steps with no count.
      return { ...p, current: { ...p.current, ...(m ? { step: Number(m[1]), steps: Number(m[2]), text: m[3]! } : { text: e.text }) } };
    }
    case "output":
      return p;
    case "image-end":
      return { ...p, current: null };
  }
}

const BAR = 20;

/** The live line, cut to `columns`; "" when nothing is being built. */
export function progressLine(p: PrepareProgress, now: number, columns: number): string {
  const c = p.current;
  if (!c) return "";
  const of = p.total ? ` (${p.started}/${p.total})` : "";
  const secs = `${Math.round((now - c.since) / 1000)}s`;
  let bar: string;
  if (c.steps) {
    const filled = Math.round((Math.min(c.step, c.steps) / c.steps) * BAR);
    bar = `[${"█".repeat(filled)}${"░".repeat(BAR - filled)}] ${c.step}/${c.steps}`;
  } else {
    // No step count: a bouncing block says it is alive without claiming a share.
    const at = Math.floor((now - c.since) / 500) % (2 * BAR - 2);
    const pos = at < BAR ? at : 2 * BAR - 2 - at;
    bar = `[${"░".repeat(pos)}█${"░".repeat(BAR - pos - 1)}]`;
  }
  const line = `▸ ${c.ref}${of} ${bar} ${secs} ${c.text.replace(/\s+/g, " ")}`;
  return [...line].length > columns ? `${[...line].slice(0, Math.max(1, columns - 1)).join("")}…` : line;
}

/** Text that replaces the live line: erase it, print `above` (finished lines), redraw it. */
export function redraw(above: string, line: string): string {
  return `\r\x1b[2K${above}${line}`;
}
