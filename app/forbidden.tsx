import Link from "next/link";

// Shown with status 403 when a signed-in user's role is too low for a page (app/session.ts).
export default function Forbidden() {
  return (
    <div className="auth-page">
      <h1>Not for this account</h1>
      <p className="auth-lede">
        This page needs a role your account does not have. An admin can change roles on the Users page.
      </p>
      <p>
        <Link href="/">Back to the course</Link>
      </p>
    </div>
  );
}
