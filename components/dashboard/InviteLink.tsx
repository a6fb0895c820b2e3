"use client";

/** The class's invite link with a copy button; the origin is the one the instructor is using. */
import { useEffect, useState } from "react";

export function InviteLink({ code }: { code: string }) {
  const path = `/join/${code}`;
  const [url, setUrl] = useState(path);
  const [copied, setCopied] = useState(false);
  useEffect(() => setUrl(`${window.location.origin}${path}`), [path]);
  return (
    <div className="invite">
      <label className="invite-label" htmlFor={`invite-${code}`}>
        Invite link
      </label>
      <div className="invite-row">
        <input id={`invite-${code}`} className="invite-input" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          className="btn"
          onClick={async () => {
            await navigator.clipboard.writeText(url);
            setCopied(true);
            setTimeout(() => setCopied(false), 2000);
          }}
        >
          {copied ? "Copied ✓" : "Copy"}
        </button>
      </div>
      <span className="cell-sub">
        Or give the code <code>{code}</code>
      </span>
    </div>
  );
}
