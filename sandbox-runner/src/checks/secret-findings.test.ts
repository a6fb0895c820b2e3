import { describe, expect, it } from "vitest";
import { secretNameMatcher } from "../../../lib/secret-names";
import { assignmentsIn, findSecrets, masked, splitBuildArgs, type ImageSecretsInput } from "./secret-findings";

const empty: ImageSecretsInput = { env: [], labels: {}, cmd: null, entrypoint: null, history: [] };
const scan = (input: Partial<ImageSecretsInput>, values: string[] = []) =>
  findSecrets({ ...empty, ...input }, { isSecretName: secretNameMatcher(), values });

describe("splitBuildArgs", () => {
  it("reads BuildKit's |N prefix of a shell-form RUN, values with spaces included", () => {
    expect(splitBuildArgs("RUN |2 NPM_TOKEN=abc123 PLAIN= /bin/sh -c npm ci # buildkit")).toEqual({
      buildArgs: [
        { name: "NPM_TOKEN", value: "abc123" },
        { name: "PLAIN", value: "" },
      ],
      argsText: "NPM_TOKEN=abc123 PLAIN=",
      rest: "/bin/sh -c npm ci # buildkit",
    });
    expect(splitBuildArgs("|1 GREETING=hello world /bin/sh -c echo $GREETING").buildArgs).toEqual([{ name: "GREETING", value: "hello world" }]);
  });

  it("reads an exec-form RUN, which has no shell to end the list", () => {
    expect(splitBuildArgs("RUN |1 TOKEN=abc echo exec form # buildkit")).toMatchObject({
      buildArgs: [{ name: "TOKEN", value: "abc" }],
      rest: "echo exec form # buildkit",
    });
  });

  it("leaves other history entries alone", () => {
    expect(splitBuildArgs("ENV API_KEY=k")).toEqual({ buildArgs: [], argsText: "", rest: "ENV API_KEY=k" });
  });
});

describe("assignmentsIn", () => {
  it("finds NAME=value and --name=value after spaces, quotes and brackets", () => {
    expect(assignmentsIn('CMD ["sh" "-c" "DB_PASSWORD=hunter2 ./app --api-key=k1 --port=80"]')).toEqual([
      { name: "DB_PASSWORD", value: "hunter2" },
      { name: "api-key", value: "k1" },
      { name: "port", value: "80" },
    ]);
    expect(assignmentsIn("ENV A=1 B='two words'")).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "two words" },
    ]);
    expect(assignmentsIn("https://x.test/?token=abc")).toEqual([]);
  });
});

describe("masked", () => {
  it("replaces every occurrence, longest secret first", () => {
    expect(masked("a=abc123 b=abc", ["abc", "abc123"])).toBe("a=**** b=****");
  });
});

describe("findSecrets", () => {
  it("finds a build arg a RUN used and names the step without its value", () => {
    const findings = scan({
      history: ["/bin/sh -c #(nop) COPY dir:93bf in / ", "ARG NPM_TOKEN", "RUN |1 NPM_TOKEN=npm_s3cr3t /bin/sh -c npm ci # buildkit"],
    });
    expect(findings).toEqual([{ kind: "variable", name: "NPM_TOKEN", places: ["history step 3 of 3 (a build arg of RUN npm ci)"] }]);
    expect(JSON.stringify(findings)).not.toContain("npm_s3cr3t");
  });

  it("finds ENV, an ARG default, labels and the command line, and merges places per name", () => {
    const findings = scan({
      env: ["PATH=/usr/bin", "API_KEY=k3y-value"],
      labels: { "org.example.token": "lbl-tok" },
      cmd: ["sh", "-c", "DB_PASSWORD=hunter2 exec ./app"],
      history: ["ARG GITHUB_TOKEN=ghp_default", "ENV API_KEY=k3y-value OTHER=x", 'CMD ["sh" "-c" "DB_PASSWORD=hunter2 exec ./app"]'],
    });
    expect(findings).toEqual([
      { kind: "variable", name: "API_KEY", places: ["config Env API_KEY", "history step 2 of 3 (ENV API_KEY=… OTHER=…)"] },
      { kind: "variable", name: "org.example.token", places: ["config label org.example.token"] },
      { kind: "variable", name: "DB_PASSWORD", places: ["config Cmd", 'history step 3 of 3 (CMD ["sh" "-c" "DB_PASSWORD=**** exec ./app"])'] },
      { kind: "variable", name: "GITHUB_TOKEN", places: ["history step 1 of 3 (ARG GITHUB_TOKEN=…)"] },
    ]);
    for (const value of ["k3y-value", "lbl-tok", "hunter2", "ghp_default"]) expect(JSON.stringify(findings)).not.toContain(value);
  });

  it("ignores empty values, references to run-time variables and names that point to files", () => {
    expect(
      scan({
        env: ["DB_PASSWORD_FILE=/run/secrets/db", "TOKEN="],
        history: ["RUN |1 NPM_TOKEN= /bin/sh -c npm ci", "RUN /bin/sh -c npm config set _authToken=$NPM_TOKEN # buildkit", "ENV PIP_NO_INDEX=1"],
      }),
    ).toEqual([]);
  });

  it("finds a planted value anywhere, masked, unless a secret variable already explains it", () => {
    const findings = scan(
      {
        env: ["STRIPE_KEY=sk_live_1234"],
        history: ["RUN /bin/sh -c echo sk_live_1234 > /app/key # buildkit", "ENV STRIPE_SECRET=sk_live_1234"],
      },
      ["sk_live_1234"],
    );
    expect(findings).toEqual([
      { kind: "variable", name: "STRIPE_SECRET", places: ["history step 2 of 2 (ENV STRIPE_SECRET=…)"] },
      { kind: "value", index: 0, places: ["config Env STRIPE_KEY", "history step 1 of 2 (RUN echo **** > /app/key)"] },
    ]);
  });

  it("masks a secret before shortening a long instruction, so no part of it shows", () => {
    const secret = "tok_" + "x".repeat(80);
    const [finding] = scan({ history: [`RUN /bin/sh -c ${"a".repeat(50)} && API_TOKEN=${secret} ./configure # buildkit`] });
    expect(finding?.kind).toBe("variable");
    expect(JSON.stringify(finding)).not.toMatch(/tok_x|xxxx/);
  });
});
