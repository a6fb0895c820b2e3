import { describe, expect, it } from "vitest";
import { nameWords, secretNameMatcher } from "./secret-names";

describe("nameWords", () => {
  it("splits camelCase, dashes and dots into upper-case words joined by _", () => {
    expect(nameWords("dbPassword")).toBe("DB_PASSWORD");
    expect(nameWords("org.example-api.key")).toBe("ORG_EXAMPLE_API_KEY");
    expect(nameWords("--api-token")).toBe("API_TOKEN");
    expect(nameWords("NPM_TOKEN")).toBe("NPM_TOKEN");
  });
});

describe("secretNameMatcher with the default patterns", () => {
  const looksSecret = secretNameMatcher();

  it.each([
    "NPM_TOKEN",
    "GITHUB_TOKEN",
    "API_KEY",
    "apiKey",
    "STRIPE_APIKEY",
    "DB_PASSWORD",
    "db-passwd",
    "MYSQL_ROOT_PASS",
    "CLIENT_SECRET",
    "SECRET_KEY_BASE",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "SSH_PRIVATE_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "org.example.token",
  ])("treats %s as secret", (name) => {
    expect(looksSecret(name)).toBe(true);
  });

  it.each(["PATH", "HOME", "PWD", "TOKENIZER_PATH", "KEYBOARD", "BYPASS_CACHE", "PASSPORT_STRATEGY", "GPG_KEY", "NODE_ENV", "GOPROXY", "PIP_NO_INDEX", ""])(
    "does not treat %s as secret",
    (name) => {
      expect(looksSecret(name)).toBe(false);
    },
  );

  it("does not flag a variable that points to a secret file", () => {
    expect(looksSecret("DB_PASSWORD_FILE")).toBe(false);
    expect(looksSecret("TOKEN_PATH")).toBe(false);
    expect(looksSecret("SECRETS_DIR")).toBe(false);
  });
});

describe("secretNameMatcher with an exercise's own patterns", () => {
  it("tries each pattern on the words and on the name as written, case-insensitively", () => {
    const matches = secretNameMatcher(["^stripe_", "license-key"]);
    expect(matches("STRIPE_PUBLISHABLE")).toBe(true);
    expect(matches("stripeWebhook")).toBe(true); // words: STRIPE_WEBHOOK
    expect(matches("my-license-key")).toBe(true); // as written
    expect(matches("NPM_TOKEN")).toBe(false); // the defaults are replaced, not extended
  });

  it("throws on a pattern that is not a regular expression", () => {
    expect(() => secretNameMatcher(["(unclosed"])).toThrow(/regular expression/i);
  });
});
