"use server";

import { redirect } from "next/navigation";
import { joinClass } from "@/db";
import { currentUser } from "@/app/session";

/** Joins the class of the invite code; signed-out visitors go to sign-up and come back here. */
export async function joinClassAction(form: FormData): Promise<void> {
  const code = String(form.get("code") ?? "");
  const back = `/join/${encodeURIComponent(code)}`;
  const user = await currentUser();
  if (!user) redirect(`/sign-up?next=${encodeURIComponent(back)}`);
  const joined = await joinClass(user.id, code);
  redirect(joined ? `/me?joined=${encodeURIComponent(joined.id)}` : back);
}
