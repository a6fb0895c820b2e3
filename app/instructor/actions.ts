"use server";

import { redirect } from "next/navigation";
import { ClassNameError, createClass } from "@/db";
import { requireRole } from "@/app/session";

/** Creates a class for the signed-in instructor and opens it; a bad name comes back as `?error=`. */
export async function createClassAction(form: FormData): Promise<void> {
  const user = await requireRole("instructor", "/instructor");
  let id: string;
  try {
    id = (await createClass(user.id, String(form.get("name") ?? ""))).id;
  } catch (err) {
    if (err instanceof ClassNameError) redirect(`/instructor?error=${encodeURIComponent(err.message)}`);
    throw err;
  }
  redirect(`/instructor/classes/${id}`);
}
