import { NextResponse, type NextRequest } from "next/server";
import { signToken } from "@/lib/token";
import { runnerSecret, runnerUrl } from "@/app/app-env";
import { servedOverHttps } from "@/app/auth";
import { bindLearner } from "@/app/learner";
import { currentUser } from "@/app/session";

// Per-learner and short-lived: never cache.
export const dynamic = "force-dynamic";

/**
 * `{ token, url }` for opening a runner WebSocket as this request's learner: the signed-in
 * account's, else the browser's anonymous one. The request names no learner: nothing a client
 * sends can choose whose runs these are.
 */
export async function GET(request: NextRequest) {
  try {
    const user = await currentUser();
    const learnerId = await bindLearner(user?.id ?? null, servedOverHttps(request.headers) || request.nextUrl.protocol === "https:");
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
