import type { Metadata } from "next";
import Link from "next/link";
import { CLASS_NAME_MAX, listOwnedClasses } from "@/db";
import { requireRole } from "@/app/session";
import { InviteLink } from "@/components/dashboard/InviteLink";
import { LocalTime } from "@/components/dashboard/LocalTime";
import { createClassAction } from "./actions";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Your classes" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function InstructorHome({ searchParams }: Props) {
  const user = await requireRole("instructor", "/instructor");
  const [classes, { error }] = await Promise.all([listOwnedClasses(user.id), searchParams]);
  return (
    <div className="dash">
      <header className="dash-header">
        <p className="eyebrow-text">Instructor</p>
        <h1>Your classes</h1>
        <p className="dash-lede">Create a class, share its invite link, and watch how your learners get on: who is stuck, on which check, and for how long.</p>
      </header>

      <form action={createClassAction} className="create-class" aria-label="Create a class">
        <label htmlFor="class-name">New class</label>
        <div className="invite-row">
          <input id="class-name" name="name" required maxLength={CLASS_NAME_MAX} placeholder="e.g. Containers, spring term" className="invite-input" />
          <button type="submit" className="btn btn-primary">
            Create class
          </button>
        </div>
        {typeof error === "string" ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>

      <section className="dash-section" aria-labelledby="classes-title">
        <h2 id="classes-title">Classes</h2>
        {classes.length === 0 ? (
          <p className="panel-empty">No classes yet. Name one above; you get an invite link to share.</p>
        ) : (
          <ul className="class-list">
            {classes.map((c) => (
              <li key={c.id} className="class-card">
                <div>
                  <h3>
                    <Link href={`/instructor/classes/${c.id}`}>{c.name}</Link>
                  </h3>
                  <span className="cell-sub">
                    {c.members} {c.members === 1 ? "learner" : "learners"} · created <LocalTime iso={c.createdAt.toISOString()} />
                  </span>
                </div>
                <InviteLink code={c.inviteCode} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
