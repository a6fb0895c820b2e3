import { describe, expect, it } from "vitest";
import { ToolchainsAbsentCheck } from "./checks";
import { namePattern, pathPattern, TOOLCHAINS, toolchainMatcher, type FsEntry, type ToolchainId } from "./toolchains";

const file = (path: string): FsEntry => ({ path, type: "file" });
const dir = (path: string): FsEntry => ({ path, type: "directory" });
const link = (path: string, linkTarget: string): FsEntry => ({ path, type: "symlink", linkTarget });

/** Every finding for `entries`, as `toolchain path` strings. */
function scan(ids: ToolchainId[], entries: FsEntry[], binDirs?: string[]): string[] {
  const match = toolchainMatcher(ids, binDirs);
  return entries.flatMap(match).map((f) => `${f.toolchain} ${f.path}${f.note ? ` ${f.note}` : ""}`);
}

describe("TOOLCHAINS", () => {
  it("has a signature for every toolchain the check accepts", () => {
    expect(Object.keys(TOOLCHAINS).sort()).toEqual([...ToolchainsAbsentCheck.shape.toolchains.element.options].sort());
  });
});

describe("pathPattern", () => {
  it("matches the path and everything below it, capturing the matching part", () => {
    const re = pathPattern("/usr/lib/go-*");
    expect(re.exec("/usr/lib/go-1.19")?.[1]).toBe("/usr/lib/go-1.19");
    expect(re.exec("/usr/lib/go-1.19/bin/go")?.[1]).toBe("/usr/lib/go-1.19");
    expect(re.test("/usr/lib/gopher")).toBe(false);
    expect(re.test("/opt/usr/lib/go-1.19")).toBe(false);
  });

  it("lets /** stand for any number of directories, including none", () => {
    const re = pathPattern("/**/node_modules/typescript");
    expect(re.exec("/node_modules/typescript")?.[1]).toBe("/node_modules/typescript");
    expect(re.exec("/app/node_modules/typescript/lib/tsc.js")?.[1]).toBe("/app/node_modules/typescript");
    expect(re.test("/app/node_modules/typescript-eslint")).toBe(false);
    expect(re.test("/app/node_modules/@types/typescript")).toBe(false);
  });
});

describe("namePattern", () => {
  it("matches whole names, with classes and stars", () => {
    expect(namePattern("gcc-[0-9]*").test("gcc-12")).toBe(true);
    expect(namePattern("gcc-[0-9]*").test("gcc-ar")).toBe(false);
    expect(namePattern("c++").test("c++")).toBe(true);
    expect(namePattern("cc").test("gcc")).toBe(false);
    expect(namePattern("pip3.*").test("pip3.11")).toBe(true);
    expect(namePattern("pip3.*").test("pip3")).toBe(false);
  });
});

describe("toolchainMatcher", () => {
  it("finds Go by its directories and programs", () => {
    expect(scan(["go"], [dir("/usr/local/go"), file("/usr/local/go/bin/go"), link("/usr/bin/go", "../lib/go-1.19/bin/go"), dir("/usr/lib/go-1.19")])).toEqual([
      "go /usr/local/go",
      "go /usr/local/go",
      "go /usr/bin/go",
      "go /usr/lib/go-1.19",
    ]);
  });

  it("finds a C compiler by cc1, headers and compiler drivers, but not by binutils", () => {
    expect(
      scan(["c"], [file("/usr/lib/gcc/x86_64-linux-gnu/12/cc1"), file("/usr/include/stdio.h"), link("/usr/bin/cc", "/etc/alternatives/cc"), file("/usr/bin/x86_64-linux-gnu-gcc-12"), file("/usr/bin/ld"), file("/usr/bin/as")]),
    ).toEqual(["c /usr/lib/gcc/x86_64-linux-gnu/12/cc1", "c /usr/include/stdio.h", "c /usr/bin/cc", "c /usr/bin/x86_64-linux-gnu-gcc-12"]);
  });

  it("finds Node build tools without flagging the Node runtime or npm's bundled modules", () => {
    const runtime = [
      file("/usr/local/bin/node"),
      link("/usr/local/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js"),
      dir("/usr/local/lib/node_modules/npm/node_modules/node-gyp"),
      file("/app/node_modules/express/index.js"),
    ];
    expect(scan(["node-build"], runtime)).toEqual([]);
    expect(scan(["node-build"], [file("/app/node_modules/typescript/package.json"), link("/app/node_modules/.bin/tsc", "../typescript/bin/tsc"), dir("/root/.npm/_cacache")])).toEqual([
      "node-build /app/node_modules/typescript",
      "node-build /root/.npm/_cacache",
    ]);
    // npm is a package manager, not a build tool.
    expect(scan(["package-manager"], runtime)).toEqual(["package-manager /usr/local/bin/npm", "package-manager /usr/local/lib/node_modules/npm"]);
  });

  it("finds Python build tools but not a venv's interpreter", () => {
    expect(scan(["python-build"], [link("/venv/bin/python", "/usr/local/bin/python3.11"), file("/usr/local/bin/python3.11"), dir("/usr/lib/python3.11")])).toEqual([]);
    expect(scan(["python-build"], [dir("/usr/include/python3.11"), file("/usr/bin/python3.11-config"), file("/usr/bin/gcc-12")])).toEqual([
      "python-build /usr/include/python3.11",
      "python-build /usr/bin/python3.11-config",
      "python-build /usr/bin/gcc-12",
    ]);
  });

  it("counts a BusyBox applet as a shell but not as a package manager", () => {
    const busybox = [file("/bin/busybox"), link("/bin/sh", "busybox"), link("/bin/dpkg", "busybox"), link("/bin/rpm", "busybox")];
    expect(scan(["shell", "package-manager"], busybox)).toEqual(["shell /bin/busybox", "shell /bin/sh → busybox"]);
    expect(scan(["package-manager"], [file("/usr/bin/dpkg"), file("/usr/bin/apt-get")])).toEqual(["package-manager /usr/bin/dpkg", "package-manager /usr/bin/apt-get"]);
  });

  it("looks for programs only in bin directories, which the image's PATH extends", () => {
    const entries = [file("/app/sh"), file("/venv/bin/pip"), dir("/usr/bin/sh")];
    expect(scan(["shell", "package-manager"], entries)).toEqual([]);
    expect(scan(["package-manager"], entries, ["/venv/bin/", "/usr/bin"])).toEqual(["package-manager /venv/bin/pip"]);
  });

  it("ranks the most telling findings first: programs in table order, then paths", () => {
    const match = toolchainMatcher(["c"]);
    const ranked = [file("/usr/bin/c99"), file("/usr/include/stdio.h"), file("/usr/bin/gcc"), link("/usr/bin/cc", "gcc")]
      .flatMap(match)
      .sort((a, b) => a.rank - b.rank)
      .map((f) => f.path);
    expect(ranked).toEqual(["/usr/bin/gcc", "/usr/bin/cc", "/usr/bin/c99", "/usr/include/stdio.h"]);
  });

  it("passes a distroless-style filesystem for shell and package-manager", () => {
    const distroless = [dir("/etc"), file("/etc/passwd"), dir("/var/lib/dpkg/status.d"), file("/var/lib/dpkg/status.d/base"), file("/app/server"), dir("/tmp")];
    expect(scan(["shell", "package-manager", "c", "go"], distroless)).toEqual([]);
  });
});
