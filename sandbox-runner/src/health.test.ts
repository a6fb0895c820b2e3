import { describe, expect, it } from "vitest";
import { buildLimitEntries, collectHealth, fixedLimitEntries, HealthReport } from "./health";

const queue = () => ({ running: 1, queued: 2, max: 20, slots: 1 });

describe("collectHealth", () => {
  it("is ok when engine and database answer, and lists build and container limits", async () => {
    const limits = [
      ...buildLimitEntries([
        { limit: "memory", enforced: true, value: 1 },
        { limit: "pids", enforced: false, reason: "no pids controller" },
      ]),
      ...fixedLimitEntries(),
    ];
    const report = await collectHealth({
      engine: async () => ({ reachable: true, version: "20.10.24" }),
      limits,
      queue,
      database: async () => true,
    });
    expect(HealthReport.parse(report)).toEqual(report);
    expect(report).toMatchObject({ ok: true, queue: { running: 1, queued: 2, max: 20 }, database: { reachable: true } });
    expect(report.limits).toContainEqual({ name: "build.pids", enforced: false, reason: "no pids controller" });
    expect(report.limits).toContainEqual(expect.objectContaining({ name: "build.disk", enforced: false }));
  });

  it("is not ok when the engine probe fails or the database does not answer", async () => {
    const down = await collectHealth({
      engine: async () => Promise.reject(new Error("ECONNREFUSED")),
      limits: [],
      queue,
      database: async () => true,
    });
    expect(down).toMatchObject({ ok: false, engine: { reachable: false, version: null } });
    const noDb = await collectHealth({
      engine: async () => ({ reachable: true, version: "x" }),
      limits: [],
      queue,
      database: async () => Promise.reject(new Error("locked")),
    });
    expect(noDb).toMatchObject({ ok: false, database: { reachable: false } });
  });
});
