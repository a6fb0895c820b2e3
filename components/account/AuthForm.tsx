"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, type FormEvent } from "react";
import { checkAuthInput, explainAuthError, MIN_PASSWORD, safeNext, type AuthErrors, type AuthField, type AuthMode } from "./auth-errors";

type Props = { mode: AuthMode; next?: string; initialEmail?: string };

/**
 * The sign-in and sign-up form. Posts to Better Auth's endpoints (app/api/auth), which also
 * carry the browser's anonymous progress over to the account. Whatever was typed stays in the
 * fields after any error; each message sits next to the field it is about.
 */
export function AuthForm({ mode, next, initialEmail = "" }: Props) {
  const router = useRouter();
  const id = useId();
  const [values, setValues] = useState({ name: "", email: initialEmail, password: "" });
  const [errors, setErrors] = useState<AuthErrors>({});
  const [busy, setBusy] = useState(false);
  const [showPassword, setShowPassword] = useState(false);
  const refs = { name: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };
  const signUp = mode === "sign-up";
  const target = safeNext(next);

  function focusFirst(found: AuthErrors) {
    const first = (["name", "email", "password"] as const).find((f) => found[f]);
    if (first) refs[first].current?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkAuthInput(mode, values);
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    setBusy(true);
    try {
      const body = signUp
        ? { name: values.name.trim(), email: values.email.trim(), password: values.password }
        : { email: values.email.trim(), password: values.password };
      const res = await fetch(`/api/auth/${signUp ? "sign-up" : "sign-in"}/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res.ok) {
        router.replace(target);
        router.refresh(); // the header and progress are server-rendered for the new session
        return;
      }
      const answer: unknown = await res.json().catch(() => null);
      const code = typeof answer === "object" && answer && "code" in answer ? String(answer.code) : undefined;
      const explained = explainAuthError(mode, res.status, code);
      setErrors(explained);
      focusFirst(explained);
    } catch {
      setErrors({ form: "Could not reach Stagecraft. Check your connection; what you typed is still here." });
    } finally {
      setBusy(false);
    }
  }

  function field(name: AuthField, label: string, input: { type: string; autoComplete: string }, hint?: string) {
    const error = errors[name];
    const describedBy = [hint ? `${id}-${name}-hint` : null, error ? `${id}-${name}-error` : null].filter(Boolean).join(" ");
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        <input
          ref={refs[name]}
          id={`${id}-${name}`}
          name={name}
          type={input.type}
          autoComplete={input.autoComplete}
          value={values[name]}
          onChange={(e) => {
            setValues((v) => ({ ...v, [name]: e.target.value }));
            if (errors[name] || errors.form) setErrors((old) => ({ ...old, [name]: undefined, form: undefined }));
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          spellCheck={false}
        />
        {hint ? (
          <p className="field-hint" id={`${id}-${name}-hint`}>
            {hint}
          </p>
        ) : null}
        {error ? (
          <p className="field-error" id={`${id}-${name}-error`}>
            {error}
          </p>
        ) : null}
      </div>
    );
  }

  const other = signUp ? "/sign-in" : "/sign-up";
  const otherHref = next ? `${other}?next=${encodeURIComponent(target)}` : other;
  return (
    <form className="auth-form" onSubmit={submit} noValidate aria-busy={busy}>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      {signUp ? field("name", "Name", { type: "text", autoComplete: "name" }) : null}
      {field("email", "Email", { type: "email", autoComplete: "email" })}
      {field(
        "password",
        "Password",
        { type: showPassword ? "text" : "password", autoComplete: signUp ? "new-password" : "current-password" },
        signUp ? `At least ${MIN_PASSWORD} characters. A few unrelated words make a strong one.` : undefined,
      )}
      <label className="show-password">
        <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword(e.target.checked)} />
        Show password
      </label>
      <button type="submit" className="btn btn-primary auth-submit" disabled={busy}>
        {busy ? (signUp ? "Creating account…" : "Signing in…") : signUp ? "Create account" : "Sign in"}
      </button>
      <p className="auth-switch">
        {signUp ? "Already have an account? " : "New to Stagecraft? "}
        <Link href={otherHref}>{signUp ? "Sign in" : "Create an account"}</Link>
      </p>
      <p role="status" className="visually-hidden">
        {busy ? "Working…" : ""}
      </p>
    </form>
  );
}
