import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "./database-url";

describe("parseDatabaseUrl", () => {
  it("defaults to the SQLite file under .data/, relative to the working directory", () => {
    expect(parseDatabaseUrl(undefined, "/srv/app")).toEqual({
      provider: "sqlite",
      url: "file:./.data/stagecraft.db",
      file: "/srv/app/.data/stagecraft.db",
    });
    expect(parseDatabaseUrl("  ", "/srv/app").provider).toBe("sqlite");
  });

  it("accepts absolute SQLite paths in both spellings", () => {
    expect(parseDatabaseUrl("file:/var/lib/sc.db")).toMatchObject({ file: "/var/lib/sc.db" });
    expect(parseDatabaseUrl("file:///var/lib/sc.db")).toMatchObject({ file: "/var/lib/sc.db" });
  });

  it("selects PostgreSQL for postgres:// and postgresql://", () => {
    expect(parseDatabaseUrl("postgres://u:p@db/sc").provider).toBe("postgres");
    expect(parseDatabaseUrl("postgresql://u:p@db/sc?sslmode=require")).toEqual({
      provider: "postgres",
      url: "postgresql://u:p@db/sc?sslmode=require",
    });
  });

  it("rejects other schemes and in-memory SQLite without echoing credentials", () => {
    expect(() => parseDatabaseUrl("mysql://root:hunter2@db/sc")).toThrow(/must start with "file:"/);
    expect(() => parseDatabaseUrl("mysql://root:hunter2@db/sc")).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl("file::memory:")).toThrow(/in-memory/);
  });
});
