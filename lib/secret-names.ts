/**
 * Which variable names look like they hold a secret: the secret-scan check's default vocabulary.
 * A name is judged by its words, so `dbPassword`, `DB_PASSWORD`, `db-password` and
 * `org.example.db.password` all read as DB + PASSWORD, while `TOKENIZER_PATH` or `KEYBOARD` do not.
 */

/**
 * Case-insensitive regular expressions tested against a name's words joined by `_` (see
 * `nameWords`). Whole words only: `(^|_)…(_|$)`.
 */
export const SECRET_NAME_PATTERNS: readonly string[] = [
  "(^|_)SECRETS?(_|$)",
  "(^|_)TOKENS?(_|$)",
  "(^|_)(PASSWORDS?|PASSWD|PASS)(_|$)",
  "(^|_)API_?KEYS?(_|$)",
  "(^|_)PRIVATE_?KEYS?(_|$)",
  "(^|_)ACCESS_?KEYS?(_|$)",
  "(^|_)CREDENTIALS?(_|$)",
];

/**
 * `DB_PASSWORD_FILE=/run/secrets/db` is the recommended way to hand a program a secret: the value
 * is a path to it, not the secret itself. Takes a name's words (`nameWords`).
 */
export function pointsToAFile(words: string): boolean {
  return /_(FILE|PATH|DIR)$/.test(words);
}

/** `dbPassword` → `DB_PASSWORD`; `org.example-api.key` → `ORG_EXAMPLE_API_KEY`. */
export function nameWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean)
    .join("_");
}

/**
 * A predicate for secret-looking names. Each pattern is tried on the name's words and on the name
 * as written (so an exercise can also give an exact `^npm_token$`). Throws on a pattern that is
 * not a valid regular expression: that is a content error in the exercise.
 *
 * @param patterns case-insensitive regular expressions. @default SECRET_NAME_PATTERNS
 */
export function secretNameMatcher(patterns: readonly string[] = SECRET_NAME_PATTERNS): (name: string) => boolean {
  const compiled = patterns.map((p) => new RegExp(p, "i"));
  return (name) => {
    const words = nameWords(name);
    if (words === "" || pointsToAFile(words)) return false;
    return compiled.some((re) => re.test(words) || re.test(name));
  };
}
