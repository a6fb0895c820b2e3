import { describe, expect, it } from "vitest";
import { signToken, verifyToken, TOKEN_TTL_SECONDS } from "./token";

const secret = "test-secret-of-sufficient-length";

describe("runner tokens", () => {
  it("verifies a fresh token and returns its learner", async () => {
    const token = await signToken("learner-1", secret, 1000);
    const r = await verifyToken(token, secret, 1001);
    expect(r).toEqual({ ok: true, payload: { sub: "learner-1", exp: 1000 + TOKEN_TTL_SECONDS } });
  });
  it("rejects expired, tampered, foreign-secret and malformed tokens", async () => {
    const token = await signToken("learner-1", secret, 1000);
    expect(await verifyToken(token, secret, 1000 + TOKEN_TTL_SECONDS)).toEqual({ ok: false, reason: "token expired" });
    const [body, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "learner-2", exp: 9e9 })).toString("base64url");
    expect(await verifyToken(`${forged}.${sig}`, secret, 1001)).toEqual({ ok: false, reason: "bad signature" });
    expect(await verifyToken(token, "another-secret-entirely!!", 1001)).toEqual({ ok: false, reason: "bad signature" });
    expect((await verifyToken(`${body}`, secret)).ok).toBe(false);
    expect((await verifyToken("a.b.c", secret)).ok).toBe(false);
  });
});
