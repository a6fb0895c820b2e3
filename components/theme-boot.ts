/** localStorage key for the learner's explicit theme choice; absent = follow the system. */
export const THEME_KEY = "sc-theme";

export type Theme = "light" | "dark";

/**
 * Runs inline in <head> before the body paints, so a dark-mode learner never sees a white flash.
 * Kept tiny and dependency-free because it is shipped as a string.
 */
export const THEME_BOOT_SCRIPT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(
  THEME_KEY,
)});if(t!=="light"&&t!=="dark"){t=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light"}document.documentElement.dataset.theme=t}catch(e){}})();`;

/** The theme in effect right now (as set by the boot script or the toggle). */
export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}
