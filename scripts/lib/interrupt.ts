import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import type { RunningEmulator } from "../../provider/emulator";
import type { LocalStack } from "./pulumi-cli";

/**
 * "group": SIGKILL the CLI's process group, as a CI job timeout does; Pulumi's plugins run in
 * their own groups and finish requests already in flight. "tree": SIGKILL the CLI and every
 * descendant at once, as a lost machine would: queued requests never reach Domo.
 */
export type KillHow = "group" | "tree";

export interface KilledRun {
  /** Pending operations the killed run left in the checkpoint. */
  pending: number;
  /** The progress measure when the kill came (users created, for upKilledAfter). */
  progressAtKill: number;
  /** False when the run ended on its own before reaching the kill point. */
  killed: boolean;
  output: string;
}

/**
 * Starts `pulumi up` and SIGKILLs it once `progress()` (read from the emulator: its store or
 * its counters) reaches `target`, as a CI timeout or a lost runner would. Returns once Domo is
 * quiet again (requests already in flight may still land) with the pending operations the
 * killed run left in the checkpoint.
 */
export async function upKilledWhen(
  stack: LocalStack,
  projectDir: string,
  emu: RunningEmulator,
  progress: () => number,
  target: number,
  how: KillHow = "group",
): Promise<KilledRun> {
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
  let progressAtKill = 0;
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      progressAtKill = progress();
      if (progressAtKill >= target || child.exitCode !== null) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
  const killed = child.pid !== undefined && child.exitCode === null;
  // Pulumi's plugins (language host, providers) run in process groups of their own: a "group"
  // kill leaves them running, reparented, after they finish what they started. They are ours,
  // so once Domo is quiet they are ended too (otherwise every such trial leaks processes).
  const plugins = killed && child.pid !== undefined ? descendants(child.pid) : [];
  if (killed && child.pid !== undefined) {
    process.kill(-child.pid, "SIGKILL");
    if (how === "tree") killAll(plugins);
  }
  await exited;
  await quiet(emu);
  killAll(plugins);
  const exported = JSON.parse((await stack.run(["stack", "export"])).stdout) as {
    deployment: { pending_operations?: unknown[] };
  };
  return { pending: exported.deployment.pending_operations?.length ?? 0, progressAtKill, killed, output };
}

/** upKilledWhen, once Domo holds `afterCreates` more users than when it started. */
export async function upKilledAfter(
  stack: LocalStack,
  projectDir: string,
  emu: RunningEmulator,
  afterCreates: number,
  how: KillHow = "group",
): Promise<{ pending: number; createdBeforeKill: number; killed: boolean; output: string }> {
  const before = emu.store.listUsers().length;
  const run = await upKilledWhen(
    stack,
    projectDir,
    emu,
    () => emu.store.listUsers().length - before,
    afterCreates,
    how,
  );
  return {
    pending: run.pending,
    createdBeforeKill: run.progressAtKill,
    killed: run.killed,
    output: run.output,
  };
}

interface Proc {
  pid: number;
  /** Its command line when found: a pid reused since by another process is never killed. */
  args: string;
}

function killAll(procs: readonly Proc[]): void {
  const now = new Map(processTable().map((p) => [p.pid, p.args]));
  for (const { pid, args } of procs) {
    if (now.get(pid) !== args) continue; // gone, or the pid is someone else's now
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}

function processTable(): (Proc & { ppid: number })[] {
  return execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s?(.*)$/.exec(line);
      return m ? { pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? "" } : undefined;
    })
    .filter((p): p is Proc & { ppid: number } => p !== undefined);
}

/** Every descendant process of `root` (from `ps`), deepest last. */
function descendants(root: number): Proc[] {
  const table = processTable();
  const out: Proc[] = [];
  const walk = (pid: number) => {
    for (const p of table) {
      if (p.ppid === pid) {
        out.push({ pid: p.pid, args: p.args });
        walk(p.pid);
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
