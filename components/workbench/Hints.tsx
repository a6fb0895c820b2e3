"use client";

import { useState } from "react";
import { InlineCode } from "../InlineCode";

/** Hints one at a time, gentlest first: the learner decides how much help to take. */
export function Hints({ hints }: { hints: string[] }) {
  const [shown, setShown] = useState(0);
  const allShown = shown >= hints.length;
  return (
    <div className="hints">
      <div>
        <button type="button" className="btn" onClick={() => setShown((n) => Math.min(n + 1, hints.length))} disabled={allShown}>
          {allShown ? "No more hints" : `Show hint ${shown + 1}/${hints.length}`}
        </button>
      </div>
      {shown > 0 ? (
        <ol aria-label="Hints" aria-live="polite">
          {hints.slice(0, shown).map((hint, i) => (
            <li key={i}>
              <InlineCode text={hint} />
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
