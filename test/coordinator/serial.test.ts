// The writer's queue: calls never interleave, and one that hangs holds the next back only so long.
import { describe, expect, it } from "vitest";
import { Serial } from "../../src/coordinator/serial";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Serial", () => {
  it("runs calls one after another in the order they came, even when each awaits", async () => {
    const serial = new Serial(5_000);
    const trace: string[] = [];
    const call = (name: string, ms: number) =>
      serial.run(async () => {
        trace.push(`${name} start`);
        await pause(ms);
        trace.push(`${name} end`);
        return name;
      });
    const answers = await Promise.all([call("a", 30), call("b", 1), call("c", 10)]);
    expect(answers).toEqual(["a", "b", "c"]);
    expect(trace).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
    // Idle again: the next call starts at once and still gets its own answer.
    expect(await call("d", 0)).toBe("d");
  });

  it("lets the next call in after maxWaitMs when one never ends, and a failed call does not block the queue", async () => {
    const serial = new Serial(100);
    void serial.run(() => new Promise<never>(() => {}));
    const started = Date.now();
    expect(await serial.run(async () => "after the hung one")).toBe("after the hung one");
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await expect(serial.run(async () => Promise.reject(new Error("broken")))).rejects.toThrow("broken");
    expect(await serial.run(async () => "next")).toBe("next");
  });
});
