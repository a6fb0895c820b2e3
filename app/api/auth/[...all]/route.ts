import type { NextRequest } from "next/server";
import { getAuth, servedOverHttps } from "@/app/auth";

// Sign-up, sign-in, sign-out and session endpoints (Better Auth's handler; see app/auth-config.ts).
export const dynamic = "force-dynamic";

async function handle(request: NextRequest): Promise<Response> {
  const auth = await getAuth(servedOverHttps(request.headers) || request.nextUrl.protocol === "https:");
  return auth.handler(request);
}

export { handle as GET, handle as POST };
