"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { clearDrafts } from "@/components/workbench/draft-store";
import type { Role } from "@/lib/roles";

export type MenuUser = { name: string; email: string; role: Role };

const ROLE_LABEL: Record<Role, string> = { learner: "Learner", instructor: "Instructor", admin: "Admin" };

/**
 * The header's account entry: "Sign in" for visitors; for a signed-in user, a button with their
 * initial that opens who they are signed in as, the admin's Users page and Sign out.
 */
export function AccountMenu({ user }: { user: MenuUser | null }) {
  const [open, setOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (!user) {
    return (
      <Link href="/sign-in" className="btn account-sign-in">
        Sign in
      </Link>
    );
  }

  async function signOut() {
    setSigningOut(true);
    setError(null);
    try {
      const res = await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (!res.ok) throw new Error(`status ${res.status}`);
      clearDrafts();
      // A full load: every server-rendered piece of the page belonged to the account.
      window.location.assign("/");
    } catch {
      setError("Could not sign out. Try again.");
      setSigningOut(false);
    }
  }

  const initial = (user.name.trim()[0] ?? user.email[0] ?? "?").toUpperCase();
  return (
    <div className="account-menu" ref={root}>
      <button
        type="button"
        className="account-button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
        aria-label={`Account: ${user.name}`}
      >
        <span className="account-avatar" aria-hidden="true">
          {initial}
        </span>
        <span className="account-name">{user.name}</span>
      </button>
      {open ? (
        <div className="account-panel" id={menuId}>
          <p className="account-who">
            Signed in as <strong>{user.email}</strong>
          </p>
          {user.role !== "learner" ? <span className="badge badge-todo">{ROLE_LABEL[user.role]}</span> : null}
          {user.role === "admin" ? (
            <Link href="/admin/users" className="account-link" onClick={() => setOpen(false)}>
              Users and roles
            </Link>
          ) : null}
          <button type="button" className="btn account-sign-out" onClick={signOut} disabled={signingOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
