import type { Metadata } from "next";
import { AuthPage, authPageTitle, type AuthPageProps } from "@/app/auth-page";

export const metadata: Metadata = { title: authPageTitle("sign-up") };

export default function Page({ searchParams }: AuthPageProps) {
  return <AuthPage mode="sign-up" searchParams={searchParams} />;
}
