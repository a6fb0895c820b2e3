import { describe, expect, it } from "vitest";
import { parseWgetOutput } from "./http-probe";
import { describeAttempt, describeExit, readOnlyWrite, writableText } from "./service-messages";

describe("readOnlyWrite", () => {
  it.each([
    ["sh: can't create /app/cache.txt: Read-only file system", "/app/cache.txt"],
    ["touch: /data/x: Read-only file system", "/data/x"],
    ["Error: EROFS: read-only file system, open '/app/data.json'", "/app/data.json"],
    ["OSError: [Errno 30] Read-only file system: '/app/uploads'", "/app/uploads"],
    ["panic: open /var/log/app.log: read-only file system", "/var/log/app.log"],
    ["mkdir: can't create directory '/app/logs': Read-only file system", "/app/logs"],
  ])("finds the path in %j", (line, path) => {
    expect(readOnlyWrite(`starting\n${line}\n    at stack`)).toEqual({ path });
  });

  it("says there was a read-only write even when no path is given, and nothing otherwise", () => {
    expect(readOnlyWrite("write failed: Read-only file system")).toEqual({ path: null });
    expect(readOnlyWrite("listening on :8080")).toBeNull();
  });
});

describe("describeExit", () => {
  it("names the code, the time, a read-only write and the error output's tail", () => {
    const exit = { exitCode: 2, oomKilled: false, afterMs: 420 };
    expect(describeExit(exit, "sh: can't create /app/pid: Read-only file system\n", ["/tmp"], " before answering")).toBe(
      'exited with code 2 after 0.4 s before answering: it tried to write to /app/pid, but the root filesystem is read-only (only /tmp is writable); its last error output was "sh: can\'t create /app/pid: Read-only file system"',
    );
    expect(describeExit(exit, "", [])).toBe("exited with code 2 after 0.4 s");
    expect(describeExit({ ...exit, exitCode: 137, oomKilled: true }, "", [])).toBe("was killed after 0.4 s for using more than 128 MiB of memory");
  });

  it("words what is writable", () => {
    expect(writableText([])).toBe("nothing is writable");
    expect(writableText(["/tmp", "/app/cache"])).toBe("only /tmp, /app/cache are writable");
  });
});

describe("parseWgetOutput", () => {
  it("reads the last status line and keeps the body of a success", () => {
    const stderr = "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n  HTTP/1.1 302 Found\n  Location: /ok\n  HTTP/1.1 200 OK\n  Content-Length: 3\n  \nwriting to stdout\n";
    expect(parseWgetOutput({ exitCode: 0, stdout: "ok\n", stderr })).toEqual({ kind: "answered", status: 200, reason: "OK", body: "ok\n" });
  });

  it("reads an error status, which BusyBox wget gives no body for", () => {
    const stderr = "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n  HTTP/1.1 404 Not Found\nwget: server returned error: HTTP/1.1 404 Not Found\n";
    expect(parseWgetOutput({ exitCode: 1, stdout: "", stderr })).toEqual({ kind: "answered", status: 404, reason: "Not Found", body: "" });
  });

  it("tells a refused connection from a silent server and other failures", () => {
    expect(parseWgetOutput({ exitCode: 1, stdout: "", stderr: "wget: can't connect to remote host (127.0.0.1): Connection refused\n" })).toEqual({ kind: "refused" });
    expect(parseWgetOutput({ exitCode: 143, stdout: "", stderr: "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n" })).toEqual({ kind: "no-answer" });
    expect(parseWgetOutput({ exitCode: 1, stdout: "", stderr: "wget: error getting response: Connection reset by peer\n" })).toEqual({
      kind: "failed",
      message: "error getting response: Connection reset by peer",
    });
  });

  it("is described in plain words", () => {
    expect(describeAttempt({ kind: "refused" }, 8080, "/health")).toBe("the connection was refused, so nothing listens on port 8080 inside the container");
    expect(describeAttempt({ kind: "answered", status: 503, reason: "Service Unavailable", body: "" }, 8080, "/health")).toBe("GET /health answered 503 Service Unavailable");
  });
});
