"use client";
/**
 * In `npm run dev`, refreshes the page's server-rendered content when a lesson file changes, so an
 * author sees an edit to `index.mdx`, `exercise.json` or a Dockerfile without reloading. A refresh
 * keeps client state: the learner's draft in the editor and the last run stay as they are.
 */
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

export function LessonLiveReload() {
  const router = useRouter();
  const [flash, setFlash] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const events = new EventSource("/api/dev/lesson-events");
    let hide: ReturnType<typeof setTimeout> | undefined;
    events.addEventListener("ready", () => setConnected(true));
    events.addEventListener("error", () => setConnected(false));
    events.addEventListener("changed", (e) => {
      const files = (JSON.parse((e as MessageEvent<string>).data) as { files?: string[] }).files ?? [];
      router.refresh();
      setFlash(files.length === 1 ? `Reloaded: ${files[0]}` : `Reloaded ${files.length} changed files`);
      clearTimeout(hide);
      hide = setTimeout(() => setFlash(null), 2_500);
    });
    return () => {
      clearTimeout(hide);
      events.close();
    };
  }, [router]);

  return (
    // data-live-reload tells tests (and curious authors in devtools) that edits will be seen.
    <div className="live-reload-flash" role="status" aria-live="polite" data-live-reload={connected ? "connected" : "waiting"}>
      {flash}
    </div>
  );
}
