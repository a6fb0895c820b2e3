/**
 * What the sign-in and sign-up forms say, as plain data: field checks before sending, and the
 * meaning of Better Auth's error codes. Kept apart from the form so it is tested without a DOM.
 */
export type AuthField = "name" | "email" | "password";
export type AuthErrors = Partial<Record<AuthField | "form", string>>;
export type AuthMode = "sign-in" | "sign-up";

/** @default 8 (must match MIN_PASSWORD_LENGTH in app/auth-config.ts, which the server enforces). */
export const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

/** Checks what the learner typed before sending it; an empty result means "send". */
export function checkAuthInput(mode: AuthMode, v: { name: string; email: string; password: string }): AuthErrors {
  const errors: AuthErrors = {};
  if (mode === "sign-up" && !v.name.trim()) errors.name = "Enter the name to show on your account.";
  if (!v.email.trim()) errors.email = "Enter your email address.";
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim())) errors.email = "That does not look like an email address (name@example.com).";
  if (!v.password) errors.password = "Enter your password.";
  else if (mode === "sign-up" && v.password.length < MIN_PASSWORD) {
    errors.password = `Too short: use at least ${MIN_PASSWORD} characters (you typed ${v.password.length}).`;
  } else if (mode === "sign-up" && v.password.length > MAX_PASSWORD) {
    errors.password = `Too long: use at most ${MAX_PASSWORD} characters.`;
  }
  return errors;
}

/** Turns the server's answer (status and Better Auth's `code`) into a message on the right field. */
export function explainAuthError(mode: AuthMode, status: number, code: string | undefined): AuthErrors {
  switch (code) {
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return { email: "An account with this email already exists. Sign in instead, or use another email." };
    case "INVALID_EMAIL_OR_PASSWORD":
      return { form: "Wrong email or password. Check both and try again." };
    case "PASSWORD_TOO_SHORT":
      return { password: `Too short: use at least ${MIN_PASSWORD} characters.` };
    case "PASSWORD_TOO_LONG":
      return { password: `Too long: use at most ${MAX_PASSWORD} characters.` };
    case "INVALID_EMAIL":
      return { email: "That does not look like an email address (name@example.com)." };
  }
  if (status === 429) return { form: "Too many attempts in a short time. Wait a few seconds, then try again." };
  if (status === 403) return { form: "This page's address is not one the app accepts sign-ins from (see APP_ORIGINS)." };
  const action = mode === "sign-up" ? "create your account" : "sign you in";
  return { form: `Could not ${action} right now (the server answered ${status}). What you typed is still here; try again.` };
}

/** Where to go after signing in: a path on this site (`?next=`), never another origin. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
