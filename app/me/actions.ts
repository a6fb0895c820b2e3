"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { DisplayNameError, setLeaderboardChoice } from "@/db";
import { currentUser } from "@/app/session";

/** Saves the signed-in learner's leaderboard choice and display name. */
export async function leaderboardChoiceAction(form: FormData): Promise<void> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent("/me#leaderboard")}`);
  try {
    await setLeaderboardChoice(user.id, form.get("optIn") === "on", String(form.get("displayName") ?? ""));
  } catch (err) {
    if (err instanceof DisplayNameError) redirect(`/me?error=${encodeURIComponent(err.message)}#leaderboard`);
    throw err;
  }
  revalidatePath("/me");
  redirect("/me?saved=1#leaderboard");
}
