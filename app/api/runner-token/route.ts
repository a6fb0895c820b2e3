import { NextResponse, type NextRequest } from "next/server";
import { signToken } from "@/lib/token";
import { runnerSecret, runnerUrl } from "@/app/app-env";
import { bindLearner } from "@/app/learner";

// Per-learner and short-lived: never cache.
export const dynamic = "force-dynamic";

/** `{ token, url }` for opening a runner WebSocket as the learner bound to this browser. */
export async function GET(request: NextRequest) {
  try {
    const learnerId = await bindLearner(request.nextUrl.protocol === "https:");
    const token = await signToken(learnerId, await runnerSecret());
    return NextResponse.json({ token, url: runnerUrl }, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    console.error("runner-token failed:", err);
    return NextResponse.json(
      { error: "the app's database is not reachable (has `npm run db:migrate` run?)" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
