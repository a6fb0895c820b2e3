/**
 * The elements lesson MDX renders into. Every name in LESSON_COMPONENTS must be here (the content
 * loader rejects any other component), plus overrides for plain Markdown elements.
 */
import type { MDXComponents } from "mdx/types";
import type { ComponentProps, ReactElement, ReactNode } from "react";
import { isValidElement } from "react";
import type { LessonComponent } from "@/lib/lessons/mdx";

function Note({ children }: { children?: ReactNode }) {
  return (
    <aside className="callout callout-note" aria-label="Note">
      <span className="callout-label">Note</span>
      {children}
    </aside>
  );
}

function Try({ children }: { children?: ReactNode }) {
  return (
    <aside className="callout callout-try" aria-label="Try it">
      <span className="callout-label">Try it</span>
      {children}
    </aside>
  );
}

type CodeProps = ComponentProps<"code"> & { "data-title"?: string; "data-language"?: string };

/** A fenced block: `remarkLessonMdx` puts the fence's `title="…"` on the inner <code>. */
function Pre({ children, ...rest }: ComponentProps<"pre">) {
  const code = isValidElement(children) ? (children as ReactElement<CodeProps>) : null;
  const title = code?.props["data-title"];
  const language = code?.props["data-language"];
  const pre = (
    <pre {...rest} tabIndex={0} data-language={language}>
      {children}
    </pre>
  );
  if (!title) return <figure className="code-figure">{pre}</figure>;
  return (
    <figure className="code-figure">
      <figcaption>{title}</figcaption>
      {pre}
    </figure>
  );
}

/** Headings link to themselves so a learner can copy a section link. */
function heading(Tag: "h2" | "h3" | "h4") {
  return function Heading({ id, children, ...rest }: ComponentProps<"h2">) {
    return (
      <Tag id={id} {...rest}>
        {id ? (
          <a className="heading-anchor" href={`#${id}`}>
            {children}
          </a>
        ) : (
          children
        )}
      </Tag>
    );
  };
}

const lessonOnly: Record<LessonComponent, (props: { children?: ReactNode }) => ReactNode> = { Note, Try };

export const lessonComponents: MDXComponents = {
  ...lessonOnly,
  pre: Pre,
  // The page title is the lesson's h1; an `#` heading in the body renders one level down.
  h1: heading("h2"),
  h2: heading("h2"),
  h3: heading("h3"),
  h4: heading("h4"),
};
