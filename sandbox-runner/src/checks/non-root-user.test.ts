import { describe, expect, it } from "vitest";
import { classifyUser, uidOf } from "./non-root-user";

describe("classifyUser", () => {
  it.each(["", "  ", "root", "0", "0:0", "root:root", "root:1000", "0:1000", ":1000"])("treats USER %j as root", (user) => {
    expect(classifyUser(user).kind).toBe("root");
  });
  it("accepts a numeric non-zero uid without a lookup", () => {
    expect(classifyUser("1000")).toEqual({ kind: "uid", uid: 1000 });
    expect(classifyUser("65534:65534")).toEqual({ kind: "uid", uid: 65534 });
  });
  it("leaves a name to be looked up", () => {
    expect(classifyUser("app:app")).toEqual({ kind: "name", name: "app" });
    expect(classifyUser("rooty")).toEqual({ kind: "name", name: "rooty" });
  });
  it("says why it is root", () => {
    expect(classifyUser("")).toEqual({ kind: "root", why: "no USER is set" });
    expect(classifyUser("0:0")).toEqual({ kind: "root", why: "USER 0:0 is uid 0" });
  });
});

describe("uidOf", () => {
  const passwd = "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:10001:10001::/home/app:/sbin/nologin\n";
  it("finds a user's uid, including a second uid-0 account", () => {
    expect(uidOf(passwd, "app")).toBe(10001);
    expect(uidOf(passwd, "toor")).toBe(0);
    expect(uidOf(passwd, "ap")).toBeUndefined();
  });
});
