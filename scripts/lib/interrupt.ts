import { type ChildProcess, spawn } from "node:child_process";
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
  if (killed && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  await exited;
  await quiet(emu);
  const exported = JSON.parse((await stack.run(["stack", "export"])).stdout) as {
    deployment: { pending_operations?: unknown[] };
  };
  return { pending: exported.deployment.pending_operations?.length ?? 0, createdBeforeKill, killed, output };
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
