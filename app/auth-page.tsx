/** The sign-in and sign-up pages: one layout, two forms. A signed-in visitor goes straight on. */
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/account/AuthForm";
import { safeNext, type AuthMode } from "@/components/account/auth-errors";
import { currentUser } from "./session";

export type AuthPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const COPY: Record<AuthMode, { title: string; lede: string }> = {
  "sign-in": {
    title: "Sign in",
    lede: "Pick up where you left off, on any device. Runs you made on this device before signing in are added to your account.",
  },
  "sign-up": {
    title: "Create an account",
    lede: "Keep your progress and your best image sizes, on any device. Everything you have done here so far comes with you.",
  },
};

export const authPageTitle = (mode: AuthMode) => COPY[mode].title;

export async function AuthPage({ mode, searchParams }: AuthPageProps & { mode: AuthMode }) {
  const { next } = await searchParams;
  const target = typeof next === "string" ? next : undefined;
  if (await currentUser()) redirect(safeNext(target));
  return (
    <div className="auth-page">
      <h1>{COPY[mode].title}</h1>
      <p className="auth-lede">{COPY[mode].lede}</p>
      <AuthForm mode={mode} next={target} />
    </div>
  );
}
