import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderSchema, schemaPath } from "./db-generate-schemas";

const models = readFileSync(path.resolve(import.meta.dirname, "../prisma/schema.base.prisma"), "utf8");

describe("db-generate-schemas", () => {
  it("renders the same models under each provider with its own client output", () => {
    const sqlite = renderSchema("sqlite", models);
    const postgres = renderSchema("postgres", models);
    expect(sqlite).toContain('provider = "sqlite"');
    expect(sqlite).toContain('output       = "../../generated/prisma/sqlite"');
    expect(postgres).toContain('provider = "postgresql"');
    expect(postgres).toContain('output       = "../../generated/prisma/postgres"');
    expect(sqlite.slice(sqlite.indexOf("enum SubmissionState"))).toBe(postgres.slice(postgres.indexOf("enum SubmissionState")));
  });

  it("never uses env() in the datasource (the CLI would fall back to downloading engines)", () => {
    for (const provider of ["sqlite", "postgres"] as const) {
      expect(renderSchema(provider, models)).not.toMatch(/url\s*=\s*env\(/);
    }
  });

  it("matches the committed schemas (run `npm run db:schemas` after editing the base)", () => {
    for (const provider of ["sqlite", "postgres"] as const) {
      expect(readFileSync(schemaPath(provider), "utf8")).toBe(renderSchema(provider, models));
    }
  });
});
