import { describe, expect, it } from "vitest";
import { cmdFormOf } from "../image-report";
import { judgeCommand, type BaseCommand } from "./exec-form-cmd";

const config = (cmd: string[] | null, entrypoint: string[] | null = null) => ({ cmd, entrypoint, cmdForm: cmdFormOf(cmd, entrypoint) });
const busybox: BaseCommand = { ref: "stagecraft/busybox:1.35", cmd: ["sh"], entrypoint: null };

describe("judgeCommand", () => {
  it("fails a command that is only the base image's, naming it and the base", () => {
    expect(judgeCommand(config(["sh"]), busybox)).toEqual({
      status: "fail",
      message: 'the image only has CMD ["sh"] inherited from stagecraft/busybox:1.35; set your own CMD in exec form',
    });
    const both: BaseCommand = { ref: "tool:1", cmd: ["--help"], entrypoint: ["/tool"] };
    expect(judgeCommand(config(["--help"], ["/tool"]), both).message).toBe(
      'the image only has ENTRYPOINT ["/tool"] with CMD ["--help"] inherited from tool:1; set your own CMD in exec form',
    );
  });

  it("passes the learner's own exec-form CMD or ENTRYPOINT", () => {
    expect(judgeCommand(config(["/app"]), busybox)).toEqual({ status: "pass", message: 'CMD ["/app"] starts the program directly (exec form)' });
    // BuildKit drops the inherited CMD when ENTRYPOINT is set; either way ENTRYPOINT is new.
    expect(judgeCommand(config(null, ["/app"]), busybox).status).toBe("pass");
    expect(judgeCommand(config(["sh"], ["/app"]), busybox).status).toBe("pass");
  });

  it("fails the learner's own shell-form command", () => {
    expect(judgeCommand(config(["/bin/sh", "-c", "/app"]), busybox)).toMatchObject({ status: "fail", message: expect.stringContaining("(shell form)") });
  });

  it("judges the image alone when there is no base to inherit from or it is unknown", () => {
    expect(judgeCommand(config(["sh"]), null).status).toBe("pass");
    expect(judgeCommand(config(null), null)).toMatchObject({ status: "fail", message: expect.stringContaining("no CMD or ENTRYPOINT") });
    expect(judgeCommand(config(null), { ref: "stagecraft/x", cmd: null, entrypoint: null }).message).toContain("no CMD or ENTRYPOINT");
  });
});
