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
});
