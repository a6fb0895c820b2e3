import { compile } from "@mdx-js/mdx";
import { describe, expect, it } from "vitest";
import { createSlugger, githubSlug, inspectLessonMdx, LESSON_REMARK_PLUGINS, parseCodeMeta, remarkLessonMdx } from "./mdx";

describe("githubSlug", () => {
  it.each([
    ["Hello World", "hello-world"],
    ["Why? Because!", "why-because"],
    ["The COPY --from flag", "the-copy---from-flag"],
    ["  Stage 2: runtime  ", "stage-2-runtime"],
    ["snake_case stays", "snake_case-stays"],
    ["Größe und Übermaß", "größe-und-übermaß"],
  ])("%j → %j (as GitHub does)", (text, slug) => {
    expect(githubSlug(text)).toBe(slug);
  });
});

describe("createSlugger", () => {
  it("numbers repeated headings in document order", () => {
    const s = createSlugger();
    expect(["Setup", "Setup", "Setup-1", "Setup"].map((t) => s.slug(t))).toEqual([
      "setup",
      "setup-1",
      "setup-1-1",
      "setup-2",
    ]);
  });
});

describe("parseCodeMeta", () => {
  it("reads quoted and bare values", () => {
    expect(parseCodeMeta(`title="Dockerfile" mark=3 label='a b'`)).toEqual({ title: "Dockerfile", mark: "3", label: "a b" });
    expect(parseCodeMeta(null)).toEqual({});
  });
});

describe("inspectLessonMdx", () => {
  it("lists headings with the text a reader sees, inline code included", () => {
    const { headings, problems } = inspectLessonMdx("# Intro\n\n## The `COPY --from` flag\n\n### Intro\n");
    expect(problems).toEqual([]);
    expect(headings.map((h) => [h.depth, h.id])).toEqual([
      [1, "intro"],
      [2, "the-copy---from-flag"],
      [3, "intro-1"],
    ]);
  });

  it("reports unknown components, imports and untitled code fences with their lines", () => {
    const body = 'import X from "x"\n\n<Note>ok</Note>\n\n<Warning>no</Warning>\n\n```sh\nls\n```\n';
    expect(inspectLessonMdx(body).problems.map((p) => p.line)).toEqual([1, 5, 7]);
  });

  it("throws on MDX that does not parse, e.g. an explicit {#id}", () => {
    expect(() => inspectLessonMdx("## Title {#custom}\n")).toThrow();
  });
});

describe("remarkLessonMdx", () => {
  it("gives headings the same ids the loader validates and passes code titles on", async () => {
    const out = String(
      await compile('## Stage two\n\n## Stage two\n\n```dockerfile title="Dockerfile"\nFROM x\n```\n', {
        remarkPlugins: [remarkLessonMdx],
      }),
    );
    expect(out).toContain('id: "stage-two"');
    expect(out).toContain('id: "stage-two-1"');
    expect(out).toContain('"data-title": "Dockerfile"');
    expect(out).toContain('"data-language": "dockerfile"');
  });
});

describe("lesson MDX rules added for GFM and expressions", () => {
  it("flags `{…}` expressions, which would only fail when the page renders", () => {
    const { problems } = inspectLessonMdx("Intro\n\nUse {name} here.\n");
    expect(problems).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining("JavaScript expression") })]);
    expect(inspectLessonMdx("Use `{name}` in code.\n").problems).toEqual([]);
  });

  it("renders GFM tables to <table> with the plugins the web app uses", async () => {
    const out = String(
      await compile("| image | size |\n|---|---|\n| busybox | 2 MB |\n", {
        remarkPlugins: LESSON_REMARK_PLUGINS,
        outputFormat: "function-body",
      }),
    );
    expect(out).toContain('"table"');
    expect(out).toContain('"td"');
  });
});
