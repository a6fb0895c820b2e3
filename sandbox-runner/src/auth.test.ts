import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { signToken } from "../../lib/token";
import { authenticateUpgrade } from "./auth";

const secret = "unit-test-secret-0123456789";
const origins = ["http://localhost:3000"];

function request(url: string, origin?: string): IncomingMessage {
  return { url, headers: origin ? { origin } : {} } as IncomingMessage;
}

describe("authenticateUpgrade", () => {
  it("accepts an allowed origin with a valid token and names the learner", async () => {
    const token = await signToken("learner-1", secret);
    const result = await authenticateUpgrade(request(`/ws?token=${token}`, origins[0]), { origins, secret });
    expect(result).toEqual({ ok: true, learnerId: "learner-1" });
  });

  it("refuses a foreign origin with 403 even when the token is valid", async () => {
    const token = await signToken("learner-1", secret);
    const result = await authenticateUpgrade(request(`/ws?token=${token}`, "https://evil.example"), {
      origins,
      secret,
    });
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses a missing origin with 403", async () => {
    const token = await signToken("learner-1", secret);
    expect(await authenticateUpgrade(request(`/ws?token=${token}`), { origins, secret })).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it("refuses a missing, forged or expired token with 401", async () => {
    const opts = { origins, secret };
    expect(await authenticateUpgrade(request("/ws", origins[0]), opts)).toMatchObject({ status: 401 });
    const forged = await signToken("learner-1", "another-secret-entirely");
    expect(await authenticateUpgrade(request(`/ws?token=${forged}`, origins[0]), opts)).toMatchObject({
      status: 401,
      reason: "bad signature",
    });
    const old = await signToken("learner-1", secret, 1_000);
    expect(await authenticateUpgrade(request(`/ws?token=${old}`, origins[0]), opts)).toMatchObject({
      status: 401,
      reason: "token expired",
    });
  });

  it("attributes a token to its own learner only: no URL parameter or edited sub can replay it for another", async () => {
    const opts = { origins, secret };
    const token = await signToken("learner-a", secret);
    // Replayed with parameters naming someone else: still, and only, learner A.
    for (const url of [`/ws?token=${token}&learnerId=learner-b`, `/ws?sub=learner-b&token=${token}`, `/ws?token=${token}&token=x`]) {
      expect(await authenticateUpgrade(request(url, origins[0]), opts)).toEqual({ ok: true, learnerId: "learner-a" });
    }
    // A's signature on a payload edited to say B: refused.
    const [body, sig] = token.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString("utf8")) as { sub: string; exp: number };
    const edited = Buffer.from(JSON.stringify({ ...payload, sub: "learner-b" })).toString("base64url");
    expect(await authenticateUpgrade(request(`/ws?token=${edited}.${sig}`, origins[0]), opts)).toEqual({
      ok: false,
      status: 401,
      reason: "bad signature",
    });
  });
});
