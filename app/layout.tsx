import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AccountMenu } from "@/components/account/AccountMenu";
import { LessonLiveReload } from "@/components/LessonLiveReload";
import { ThemeToggle } from "@/components/ThemeToggle";
import { THEME_BOOT_SCRIPT } from "@/components/theme-boot";
import { hasRole } from "@/lib/roles";
import { currentUser } from "./session";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Stagecraft", template: "%s · Stagecraft" },
  description: "Learn Docker multi-stage builds by doing them.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f7f8fa" },
    { media: "(prefers-color-scheme: dark)", color: "#111418" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    // The boot script sets data-theme before first paint, so the server cannot know it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="wordmark" aria-label="Stagecraft home">
            <span aria-hidden="true" className="wordmark-mark">
              ▞
            </span>
            <span className="wordmark-text">Stagecraft</span>
          </Link>
          <nav aria-label="Site" className="site-nav">
            <Link href="/">Course</Link>
            <Link href="/me">Progress</Link>
            {/* The instructor dashboard (/instructor) is the dashboards work's page. */}
            {user && hasRole(user.role, "instructor") ? <Link href="/instructor">Instructor</Link> : null}
            <ThemeToggle />
            <AccountMenu user={user && { name: user.name, email: user.email, role: user.role }} />
          </nav>
        </header>
        <main id="main">{children}</main>
        {/* Lessons reload on edit while `npm run dev` runs; production builds leave it out. */}
        {process.env.NODE_ENV === "development" ? <LessonLiveReload /> : null}
      </body>
    </html>
  );
}
