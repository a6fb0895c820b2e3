import type { NextConfig } from "next";

// Monaco is bundled from node_modules by Turbopack (never a CDN): its ESM imports its own CSS,
// and `new Worker(new URL(…, import.meta.url))` in components/workbench/monaco-setup.ts becomes
// a worker chunk served from /_next/static. See that file.
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run dev` prints localhost, but authors often open 127.0.0.1: without this, Next blocks its
  // dev scripts and HMR for that origin, the page never hydrates and lessons do not live-reload.
  allowedDevOrigins: ["127.0.0.1"],
  // `forbidden()` (403 with app/forbidden.tsx) for role-guarded pages (app/session.ts).
  experimental: { authInterrupts: true },
};

export default nextConfig;
