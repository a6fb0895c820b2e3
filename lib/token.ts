/**
 * Short-lived runner tokens. The web app signs `{ learnerId, exp }` with a secret it shares with
 * the runner; the runner verifies before it accepts a WebSocket. HMAC-SHA256 via Web Crypto so the
 * module stays free of Node-only APIs (works in Node 20+ and edge runtimes).
 *
 * Format: base64url(JSON payload) + "." + base64url(signature).
 */
import { z } from "zod";

export const TokenPayload = z.object({
  /** Learner id the runner will attribute submissions to. */
  sub: z.string().min(1),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int().positive(),
});
export type TokenPayload = z.infer<typeof TokenPayload>;

/** @default 10 minutes: long enough for a queue wait and a build, short enough not to matter if leaked. */
export const TOKEN_TTL_SECONDS = 600;

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(new ArrayBuffer(binary.length));
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function signToken(learnerId: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)) {
  const payload: TokenPayload = { sub: learnerId, exp: nowSeconds + TOKEN_TTL_SECONDS };
  const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(body)));
  return `${body}.${toBase64Url(sig)}`;
}

export type VerifyResult = { ok: true; payload: TokenPayload } | { ok: false; reason: string };

export async function verifyToken(
  token: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<VerifyResult> {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return { ok: false, reason: "malformed token" };
  const sigBytes = fromBase64Url(sig);
  const bodyBytes = fromBase64Url(body);
  if (!sigBytes || !bodyBytes) return { ok: false, reason: "malformed token" };
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), sigBytes, encoder.encode(body));
  if (!valid) return { ok: false, reason: "bad signature" };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bodyBytes));
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  const parsed = TokenPayload.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "malformed token" };
  if (parsed.data.exp <= nowSeconds) return { ok: false, reason: "token expired" };
  return { ok: true, payload: parsed.data };
}
