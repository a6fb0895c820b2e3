import { describe, expect, it } from "vitest";
import { checkAuthInput, explainAuthError, safeNext } from "./auth-errors";

describe("sign-in and sign-up messages", () => {
  it("checks what was typed before sending, per field", () => {
    expect(checkAuthInput("sign-up", { name: " ", email: "ada", password: "1234567" })).toEqual({
      name: "Enter the name to show on your account.",
      email: "That does not look like an email address (name@example.com).",
      password: "Too short: use at least 8 characters (you typed 7).",
    });
    expect(checkAuthInput("sign-up", { name: "Ada", email: "ada@example.org", password: "12345678" })).toEqual({});
    // Signing in never judges the password's length: an old short password must still work.
    expect(checkAuthInput("sign-in", { name: "", email: "ada@example.org", password: "short" })).toEqual({});
    expect(checkAuthInput("sign-in", { name: "", email: "", password: "" })).toEqual({
      email: "Enter your email address.",
      password: "Enter your password.",
    });
  });

  it("puts the server's answer on the field it is about", () => {
    expect(explainAuthError("sign-up", 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL").email).toMatch(/already exists/);
    expect(explainAuthError("sign-in", 401, "INVALID_EMAIL_OR_PASSWORD")).toEqual({
      form: "Wrong email or password. Check both and try again.",
    });
    expect(explainAuthError("sign-up", 400, "PASSWORD_TOO_SHORT").password).toMatch(/at least 8/);
    expect(explainAuthError("sign-in", 429, undefined).form).toMatch(/Too many attempts/);
    expect(explainAuthError("sign-up", 500, undefined).form).toMatch(/Could not create your account .*500.*still here/);
  });

  it("only ever returns to a path on this site", () => {
    expect(safeNext("/admin/users")).toBe("/admin/users");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext(undefined)).toBe("/");
  });
});
