import fs from "node:fs";
import path from "node:path";

/** Which processes a sampler watches: a name and a test on the process's argv. */
export interface ProcessMatcher {
  name: string;
  matches(argv: readonly string[]): boolean;
}

function readCwd(pid: string): string | undefined {
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

export interface ProcessPeak {
  /** The largest resident set seen (VmHWM, the kernel's own high-water mark, or VmRSS). */
  peakRssBytes: number;
  /** How many distinct processes matched during the sampling. */
  processes: number;
}

/** The Node.js dynamic provider server the Pulumi engine starts (not the `node -e require.resolve(...)` helper). */
export const dynamicProviderMatcher: ProcessMatcher = {
  name: "provider",
  matches: (argv) =>
    !argv.includes("-e") && argv.some((a) => /cmd[/\\]dynamic-provider([/\\]index\.js)?$/.test(a)),
};

/**
 * The native provider's plugin process the engine starts: the installed single executable
 * `pulumi-resource-domo` (argv[0]), or, from a clone, `node …/dist/native/main.js` (the
 * launcher plugin/pulumi-resource-domo execs node with it).
 */
export const nativeProviderMatcher: ProcessMatcher = {
  name: "provider",
  matches: (argv) =>
    (argv[0] !== undefined && path.basename(argv[0]) === "pulumi-resource-domo") ||
    (argv[0] !== undefined &&
      /(^|[/\\])node$/.test(argv[0]) &&
      argv.some((a) => /dist[/\\]native[/\\]main\.js$/.test(a))),
};

/** The Pulumi CLI (Go engine) itself. */
export const pulumiCliMatcher: ProcessMatcher = {
  name: "cli",
  matches: (argv) => argv[0] !== undefined && path.basename(argv[0]) === "pulumi",
};

function readArgv(pid: string): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw.split("\0").filter((s) => s !== "");
  } catch {
    return undefined; // gone, or not ours to read
  }
}

function readRssBytes(pid: string): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    let best: number | undefined;
    for (const key of ["VmHWM", "VmRSS"]) {
      const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, "m").exec(status);
      if (m?.[1]) best = Math.max(best ?? 0, Number(m[1]) * 1024);
    }
    return best;
  } catch {
    return undefined;
  }
}

/**
 * Samples /proc every `intervalMs` for processes whose command line matches, keeping the
 * largest resident set seen for each matcher. VmHWM is the kernel's peak for the process, so
 * growth between two samples is not missed while the process lives.
 */
export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly peaks = new Map<string, number>();
  private readonly seen = new Map<string, Set<string>>();

  private readonly cwd: string | undefined;

  /**
   * `cwd`: only processes working in this directory count (the CLI and the provider it starts
   * both run in the Pulumi project directory), so other stacks on the machine are left out.
   */
  constructor(
    private readonly matchers: readonly ProcessMatcher[],
    options: { cwd?: string; intervalMs?: number } = {},
  ) {
    this.cwd = options.cwd === undefined ? undefined : fs.realpathSync(options.cwd);
    this.intervalMs = options.intervalMs ?? 100;
  }

  private readonly intervalMs: number;

  static available(): boolean {
    return fs.existsSync("/proc/self/status");
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): Record<string, ProcessPeak | undefined> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const result: Record<string, ProcessPeak | undefined> = {};
    for (const m of this.matchers) {
      const peak = this.peaks.get(m.name);
      result[m.name] =
        peak === undefined ? undefined : { peakRssBytes: peak, processes: this.seen.get(m.name)?.size ?? 0 };
    }
    return result;
  }

  private sample(): void {
    let entries: string[];
    try {
      entries = fs.readdirSync("/proc");
    } catch {
      return;
    }
    for (const pid of entries) {
      if (!/^\d+$/.test(pid) || pid === String(process.pid)) continue;
      const argv = readArgv(pid);
      if (!argv || argv.length === 0) continue;
      for (const m of this.matchers) {
        if (!m.matches(argv)) continue;
        if (this.cwd !== undefined && readCwd(pid) !== this.cwd) continue;
        const rss = readRssBytes(pid);
        if (rss === undefined) continue;
        this.peaks.set(m.name, Math.max(this.peaks.get(m.name) ?? 0, rss));
        let pids = this.seen.get(m.name);
        if (!pids) {
          pids = new Set();
          this.seen.set(m.name, pids);
        }
        pids.add(pid);
      }
    }
  }
}
