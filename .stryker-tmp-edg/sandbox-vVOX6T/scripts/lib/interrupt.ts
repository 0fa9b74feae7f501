// @ts-nocheck
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import type { RunningEmulator } from "../../provider/emulator";
import type { LocalStack } from "./pulumi-cli";

/**
 * Starts `pulumi up` and SIGKILLs its whole process group (CLI, language host, provider) once
 * Domo holds `afterCreates` more users, as a CI timeout or a lost runner would. Returns once
 * Domo is quiet again (requests already in flight may still land) with the pending
 * operations the killed run left in the checkpoint.
 */
export async function upKilledAfter(
  stack: LocalStack,
  projectDir: string,
  emu: RunningEmulator,
  afterCreates: number,
  /**
   * "group": SIGKILL the CLI's process group, as a CI job timeout does; Pulumi's plugins run in
   * their own groups and finish requests already in flight. "tree": SIGKILL the CLI and every
   * descendant at once, as a lost machine would: queued creates never reach Domo.
   */
  how: "group" | "tree" = "group",
): Promise<{ pending: number; createdBeforeKill: number; killed: boolean; output: string }> {
  const before = emu.store.listUsers().length;
  const child: ChildProcess = spawn(
    "pulumi",
    ["up", "--yes", "--skip-preview", "--non-interactive", "--cwd", projectDir, "--stack", stack.stack],
    { env: stack.environment(), cwd: projectDir, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  let createdBeforeKill = 0;
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      createdBeforeKill = emu.store.listUsers().length - before;
      if (createdBeforeKill >= afterCreates || child.exitCode !== null) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
  const killed = child.pid !== undefined && child.exitCode === null;
  if (killed && child.pid !== undefined) {
    const victims = how === "tree" ? descendants(child.pid) : [];
    process.kill(-child.pid, "SIGKILL");
    for (const pid of victims) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  await exited;
  await quiet(emu);
  const exported = JSON.parse((await stack.run(["stack", "export"])).stdout) as {
    deployment: { pending_operations?: unknown[] };
  };
  return { pending: exported.deployment.pending_operations?.length ?? 0, createdBeforeKill, killed, output };
}

/** Every descendant process of `root` (from `ps`), deepest last. */
function descendants(root: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of table) {
      if (parent === pid && child !== undefined) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

/** Waits until no request reached the emulator for 400 ms. */
async function quiet(emu: RunningEmulator): Promise<void> {
  let last = -1;
  for (;;) {
    const n = emu.requestLog().length;
    if (n === last) return;
    last = n;
    await new Promise((r) => setTimeout(r, 400));
  }
}
