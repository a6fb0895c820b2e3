import { describe, expect, it } from "vitest";
import { ANONYMOUS_NAME, rankSmallest } from "./leaderboard";

const at = (m: number) => new Date(Date.UTC(2026, 10, 2, 9, m));

describe("rankSmallest", () => {
  it("ranks each opted-in learner's smallest passing image, ties by who got there first", () => {
    const names = new Map<string, string | null>([
      ["ann", "Ann"],
      ["bo", null],
      ["cy", "  "],
    ]);
    const board = rankSmallest(
      [
        { learnerId: "ann", imageBytes: 900, at: at(1) },
        { learnerId: "ann", imageBytes: 500, at: at(9) },
        { learnerId: "bo", imageBytes: 500, at: at(5) },
        { learnerId: "bo", imageBytes: 500, at: at(8) }, // same size later: keeps the earlier time
        { learnerId: "cy", imageBytes: 700, at: at(2) },
        { learnerId: "secret", imageBytes: 10, at: at(0) }, // not opted in
      ],
      names,
    );
    expect(board).toEqual([
      { rank: 1, learnerId: "bo", name: ANONYMOUS_NAME, imageBytes: 500, at: at(5) },
      { rank: 2, learnerId: "ann", name: "Ann", imageBytes: 500, at: at(9) },
      { rank: 3, learnerId: "cy", name: ANONYMOUS_NAME, imageBytes: 700, at: at(2) },
    ]);
  });

  it("keeps only the first `limit` places", () => {
    const names = new Map([["a", "A"], ["b", "B"]]);
    expect(rankSmallest([{ learnerId: "a", imageBytes: 2, at: at(0) }, { learnerId: "b", imageBytes: 1, at: at(0) }], names, 1).map((e) => e.name)).toEqual(["B"]);
  });
});
