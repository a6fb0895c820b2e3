"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireRole } from "@/app/session";
import { setUserRole, UnknownUserError } from "@/db";
import { Role } from "@/lib/roles";

const RoleChange = z.object({ userId: z.string().min(1), role: Role });

export type RoleChangeState = { ok: boolean; message: string } | null;

/** The Users page's role change. Checks the caller is an admin on every call, not just the page. */
export async function changeRole(_prev: RoleChangeState, form: FormData): Promise<RoleChangeState> {
  const admin = await requireRole("admin", "/admin/users");
  const parsed = RoleChange.safeParse({ userId: form.get("userId"), role: form.get("role") });
  if (!parsed.success) return { ok: false, message: "Pick one of the three roles." };
  if (parsed.data.userId === admin.id) {
    return { ok: false, message: "Your own role is changed from the command line (npm run user:role), so nobody locks themselves out." };
  }
  try {
    const user = await setUserRole({ id: parsed.data.userId }, parsed.data.role);
    revalidatePath("/admin/users");
    return { ok: true, message: `${user.email} is now ${user.role}.` };
  } catch (err) {
    if (err instanceof UnknownUserError) return { ok: false, message: "That account no longer exists." };
    throw err;
  }
}
