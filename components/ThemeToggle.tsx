"use client";

import { useEffect, useState } from "react";
import { THEME_KEY, currentTheme, type Theme } from "./theme-boot";

/** Theme change event, so the editor and terminal can restyle without a reload. */
export const THEME_EVENT = "sc-theme-change";

export function ThemeToggle() {
  // null until mounted: the server does not know the theme, so render a neutral label first.
  const [theme, setTheme] = useState<Theme | null>(null);

  useEffect(() => {
    setTheme(currentTheme());
    // Follow the system while the learner has not chosen explicitly.
    const media = matchMedia("(prefers-color-scheme: dark)");
    const onChange = (e: MediaQueryListEvent) => {
      if (localStorage.getItem(THEME_KEY)) return;
      apply(e.matches ? "dark" : "light");
    };
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);

  function apply(next: Theme) {
    document.documentElement.dataset.theme = next;
    setTheme(next);
    window.dispatchEvent(new CustomEvent(THEME_EVENT, { detail: next }));
  }

  function toggle() {
    const next = currentTheme() === "dark" ? "light" : "dark";
    localStorage.setItem(THEME_KEY, next);
    apply(next);
  }

  const label = theme === "dark" ? "Switch to light theme" : "Switch to dark theme";
  return (
    <button type="button" className="theme-toggle" onClick={toggle} aria-label={label} title={label}>
      <span aria-hidden="true">{theme === "dark" ? "☀" : "☾"}</span>
    </button>
  );
}
