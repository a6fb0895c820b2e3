import { describe, expect, it } from "vitest";
import { lintDockerfile } from "./lint";
import { applyEdits, quickFixesFor } from "./quick-fixes";

const df = (...lines: string[]) => lines.join("\n") + "\n";

/** Applies the one fix for `rule` and checks lint no longer reports it. */
function fixed(text: string, rule: string): string {
  const fixes = quickFixesFor(text, rule);
  expect(fixes, `a ${rule} fix for:\n${text}`).toHaveLength(1);
  const out = applyEdits(text, fixes[0]!.edits);
  expect(lintDockerfile(out).filter((d) => d.rule === rule), out).toEqual([]);
  return out;
}

describe("applyEdits", () => {
  it("applies several edits against the original positions", () => {
    const edits = [
      { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, text: "A" },
      { startLine: 2, startColumn: 2, endLine: 3, endColumn: 1, text: "" },
    ];
    expect(applyEdits("x\nyz\nw", edits)).toBe("Ax\nyw");
  });
});

describe("shell-form-cmd fix", () => {
  it("rewrites the final stage's CMD as a JSON array", () => {
    const text = df("FROM stagecraft/node:18", "WORKDIR /app", "CMD node dist/server.js");
    expect(fixed(text, "shell-form-cmd")).toBe(df("FROM stagecraft/node:18", "WORKDIR /app", 'CMD ["node", "dist/server.js"]'));
    expect(quickFixesFor(text, "shell-form-cmd")[0]!.title).toBe('Write CMD in exec form: CMD ["node", "dist/server.js"]');
  });

  it("joins continuation lines and drops comment lines inside them", () => {
    const text = df("FROM stagecraft/busybox:1.35", "ENTRYPOINT /bin/app \\", "  # the port", "  --port 8080", "USER app");
    expect(fixed(text, "shell-form-cmd")).toBe(df("FROM stagecraft/busybox:1.35", 'ENTRYPOINT ["/bin/app", "--port", "8080"]', "USER app"));
  });

  it("fixes only the final stage, keeps the keyword's case, and works without a trailing newline", () => {
    const text = "FROM stagecraft/golang:1.19 AS build\nCMD go run .\nFROM stagecraft/busybox:1.35\ncmd greeter";
    expect(fixed(text, "shell-form-cmd")).toBe('FROM stagecraft/golang:1.19 AS build\nCMD go run .\nFROM stagecraft/busybox:1.35\ncmd ["greeter"]');
  });

  it("offers nothing when the command needs a shell, or is already exec form", () => {
    expect(quickFixesFor(df("FROM stagecraft/busybox:1.35", "CMD echo $HOME && sleep 1"), "shell-form-cmd")).toEqual([]);
    expect(quickFixesFor(df("FROM stagecraft/busybox:1.35", 'CMD ["sh"]'), "shell-form-cmd")).toEqual([]);
  });
});

describe("final-stage-root fix", () => {
  it("uses busybox's app account, after the last COPY and before CMD", () => {
    const text = df("FROM stagecraft/golang:1.19 AS build", "RUN go build -o /app .", "FROM stagecraft/busybox:1.35", "COPY --from=build /app /app", 'CMD ["/app"]');
    expect(fixed(text, "final-stage-root")).toBe(
      df("FROM stagecraft/golang:1.19 AS build", "RUN go build -o /app .", "FROM stagecraft/busybox:1.35", "COPY --from=build /app /app", "USER app", 'CMD ["/app"]'),
    );
  });

  it("creates an app account on Debian-based images", () => {
    const text = df("FROM stagecraft/debian:bookworm-slim", "COPY app /app", 'CMD ["/app"]');
    expect(fixed(text, "final-stage-root")).toBe(
      df("FROM stagecraft/debian:bookworm-slim", "COPY app /app", "RUN useradd --system --uid 10001 --no-create-home app", "USER app", 'CMD ["/app"]'),
    );
  });

  it("uses node's own account, and comes after a USER root so it takes effect", () => {
    const text = df("FROM stagecraft/node:18-slim", "USER root", 'CMD ["node", "s.js"]');
    expect(fixed(text, "final-stage-root")).toBe(df("FROM stagecraft/node:18-slim", "USER root", "USER node", 'CMD ["node", "s.js"]'));
  });

  it("uses 65532 for distroless and a numeric id on scratch; follows FROM <stage> to the image", () => {
    const distroless = df("FROM stagecraft/distroless-static:nonroot", "USER root", "COPY a /a");
    expect(fixed(distroless, "final-stage-root")).toBe(df("FROM stagecraft/distroless-static:nonroot", "USER root", "COPY a /a", "USER 65532:65532"));
    const scratch = "FROM scratch AS base\nFROM base\nCOPY a \\\n  /a";
    expect(fixed(scratch, "final-stage-root")).toBe("FROM scratch AS base\nFROM base\nCOPY a \\\n  /a\nUSER 65532:65532");
    const chain = df("FROM stagecraft/busybox:1.35 AS base", "FROM base", "# nothing else");
    expect(fixed(chain, "final-stage-root")).toBe(df("FROM stagecraft/busybox:1.35 AS base", "FROM base", "USER app", "# nothing else"));
  });
});

describe("cache-order fix", () => {
  it("copies the manifests and installs before COPY . . (the Node starter)", () => {
    const text = df("FROM stagecraft/node:18", "", "WORKDIR /app", "COPY . .", "", "RUN npm ci", "RUN npm run build", "", "EXPOSE 8080", "CMD npm start");
    expect(fixed(text, "cache-order")).toBe(
      df("FROM stagecraft/node:18", "", "WORKDIR /app", "COPY package.json package-lock.json* ./", "RUN npm ci", "COPY . .", "", "RUN npm run build", "", "EXPOSE 8080", "CMD npm start"),
    );
  });

  it("moves a continued install with its comments and the ENV before it, to the copy's destination", () => {
    const text = df(
      "FROM stagecraft/python:3.11 AS build",
      "COPY . /src",
      "ENV PIP_NO_CACHE_DIR=1",
      "# dependencies",
      "RUN python3 -m pip install \\",
      "    -r /src/requirements.txt",
      "RUN python3 -m build /src",
      "FROM stagecraft/python:3.11-slim",
      "COPY --from=build /src /src",
    );
    expect(fixed(text, "cache-order")).toBe(
      df(
        "FROM stagecraft/python:3.11 AS build",
        "COPY requirements.txt /src/",
        "ENV PIP_NO_CACHE_DIR=1",
        "# dependencies",
        "RUN python3 -m pip install \\",
        "    -r /src/requirements.txt",
        "COPY . /src",
        "RUN python3 -m build /src",
        "FROM stagecraft/python:3.11-slim",
        "COPY --from=build /src /src",
      ),
    );
  });

  it("works when the install is the last line without a newline", () => {
    expect(fixed("FROM stagecraft/node:18\nCOPY . .\nRUN yarn install", "cache-order")).toBe("FROM stagecraft/node:18\nCOPY package.json yarn.lock* ./\nRUN yarn install\nCOPY . .");
  });

  it("offers nothing when the move is not safe", () => {
    // The install also builds: it needs the sources.
    expect(quickFixesFor(df("FROM stagecraft/node:18", "COPY . .", "RUN npm ci && npm run build"), "cache-order")).toEqual([]);
    // A WORKDIR between would change where the install runs.
    expect(quickFixesFor(df("FROM stagecraft/node:18", "COPY . /app", "WORKDIR /app", "RUN npm ci"), "cache-order")).toEqual([]);
    // go mod download in the course reads a module proxy folder from the context.
    expect(quickFixesFor(df("FROM stagecraft/golang:1.19", "COPY . .", "RUN go mod download"), "cache-order")).toEqual([]);
  });
});

describe("quickFixesFor", () => {
  it("returns nothing for other rules, empty or unparsable text", () => {
    expect(quickFixesFor(df("FROM stagecraft/busybox:1.35", "CMD x"), "base-image-tag")).toEqual([]);
    expect(quickFixesFor("", "shell-form-cmd")).toEqual([]);
    expect(quickFixesFor("\u0000\\\n\\", "final-stage-root")).toEqual([]);
  });
});
