import { Fragment } from "react";

/**
 * Renders `backtick` spans of a plain message (lint and check texts are written that way) as
 * <code>, without interpreting anything else: the text may come from the runner.
 */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/g);
  return (
    <>
      {parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>))}
    </>
  );
}
