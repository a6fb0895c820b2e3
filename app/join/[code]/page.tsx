import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { findClassByInvite, listJoinedClasses } from "@/db";
import { currentUser } from "@/app/session";
import { joinClassAction } from "../actions";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Join a class" };

type Props = { params: Promise<{ code: string }> };

/**
 * An invite link. Joining is a button (a POST), never the page load itself: link previews and
 * prefetches must not enrol anyone. Signed out, the learner signs up first and comes back here.
 */
export default async function JoinPage({ params }: Props) {
  const { code } = await params;
  const cls = await findClassByInvite(code);
  if (!cls) notFound();
  const user = await currentUser();
  const already = user ? (await listJoinedClasses(user.id)).some((c) => c.id === cls.id) : false;
  const back = `/join/${encodeURIComponent(code)}`;
  return (
    <div className="dash join">
      <div className="join-card">
        <p className="eyebrow-text">Class invite</p>
        <h1>{cls.name}</h1>
        <p className="dash-lede">
          {cls.teacher} invited you. Your teacher will see your progress on the course: which exercises you passed, your runs and their reports.
        </p>
        {already ? (
          <p>
            You are in this class. <Link href="/me">Go to your progress →</Link>
          </p>
        ) : user ? (
          <form action={joinClassAction}>
            <input type="hidden" name="code" value={code} />
            <button type="submit" className="btn btn-primary">
              Join {cls.name}
            </button>
          </form>
        ) : (
          <div className="join-actions">
            <Link className="btn btn-primary" href={`/sign-up?next=${encodeURIComponent(back)}`}>
              Sign up to join
            </Link>
            <Link className="btn" href={`/sign-in?next=${encodeURIComponent(back)}`}>
              I have an account
            </Link>
          </div>
        )}
      </div>
    </div>
  );
}
