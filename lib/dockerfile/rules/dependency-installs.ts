/**
 * Dependency-install steps by ecosystem (`npm ci`, `pip install -r`, `go mod download`, …) and
 * the manifests each one reads, for the cache-order rule. System packages (`apt-get install`) are
 * not dependency steps: they do not read anything from the build context.
 */
import type { Instruction } from "dockerfile-ast";
import { runCommands, subcommand } from "./shell-commands";

export type Ecosystem = "node" | "python" | "go" | "rust" | "ruby" | "php";

/** What to copy before installing, in messages. */
export const MANIFESTS: Record<Ecosystem, string> = {
  node: "`package.json` and its lock file",
  python: "`requirements.txt`",
  go: "`go.mod` and `go.sum`",
  rust: "`Cargo.toml` and `Cargo.lock`",
  ruby: "`Gemfile` and `Gemfile.lock`",
  php: "`composer.json` and `composer.lock`",
};

/** `pip`, `pip3.11`, or one called by path, e.g. a venv's `/opt/venv/bin/pip`. */
const isPip = (word: string) => /^(?:\S*\/)?pip[\d.]*$/.test(word);

type Install = { ecosystem: Ecosystem; command: string };

function installOf(words: readonly string[]): Install | null {
  const [command = "", sub = ""] = [words[0], subcommand(words)];
  const found = (ecosystem: Ecosystem, label = `${command} ${sub}`.trim()) => ({ ecosystem, command: label });
  switch (command) {
    case "npm":
      // `npm install -g <tool>` installs a tool, not the project's dependencies.
      return ["ci", "install", "i", "clean-install"].includes(sub) && !words.some((w) => w === "-g" || w === "--global") ? found("node") : null;
    case "yarn":
      return sub === "" || sub === "install" ? found("node") : null;
    case "pnpm":
      return sub === "install" || sub === "i" ? found("node") : null;
    case "go":
      return sub === "mod" && subcommand(words, words.indexOf("mod")) === "download" ? found("go", "go mod download") : null;
    case "cargo":
      return sub === "build" || sub === "fetch" ? found("rust") : null;
    case "bundle":
    case "composer":
      return sub === "install" ? found(command === "bundle" ? "ruby" : "php") : null;
  }
  // pip install -r requirements.txt, also as `python3 -m pip …`.
  const pip = words.findIndex((w, i) => isPip(w) && (i === 0 || words[i - 1] === "-m"));
  if (pip !== -1 && subcommand(words, pip) === "install" && words.some((w) => /^(-r|--requirement)/.test(w))) {
    return found("python", "pip install -r");
  }
  return null;
}

/** The dependency installs this RUN performs, with the command as the learner would recognise it. */
export function dependencyInstalls(run: Instruction): Install[] {
  return runCommands(run).flatMap((words) => installOf(words) ?? []);
}
