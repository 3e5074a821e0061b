// Node side: the real tools the /metrics tests run (promtool, prometheus), found on PATH, and the processes they
// start, stopped by PID (their own process group).
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Missing tools skip the test with the reason, except under CI, where they fail it. */
export function requireTool(name: string, skip: (note?: string) => void): string {
  const found = which(name);
  if (found) return found;
  const message = `${name} is not installed (apt-get install -y --no-install-recommends prometheus)`;
  if (process.env.CI) throw new Error(`${message}; required under CI`);
  console.warn(`skipping: ${message}`);
  skip(message);
  throw new Error("unreachable");
}

export function run(bin: string, args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Stops a process group we started (spawned detached) and waits for its leader to exit. */
export async function stopGroup(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGINT"): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
