import type { NextConfig } from "next";

// Monaco is bundled from node_modules by Turbopack (never a CDN): its ESM imports its own CSS,
// and `new Worker(new URL(…, import.meta.url))` in components/workbench/monaco-setup.ts becomes
// a worker chunk served from /_next/static. See that file.
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default nextConfig;
