import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./pulumi-cli";

/** A Pulumi language host tools/language-hosts/ensure-hosts.sh provides. */
export type LanguageHost = "python" | "go" | "yaml";

export interface LanguageHosts {
  /** Holds pulumi-language-python(-exec), pulumi-language-go and pulumi-language-yaml. */
  binDir: string;
  /** The virtualenv holding the `pulumi` Python SDK (3.272.0); Python programs run with it. */
  pythonVenv: string;
  /**
   * The environment to add for a Python program: the host (v3.68.0) ignores the `virtualenv`
   * runtime option, so the virtualenv is chosen through VIRTUAL_ENV and its bin first on PATH.
   * PATH here is only the part to prepend; see languageHostEnv() for a complete PATH.
   */
  pythonEnv: { VIRTUAL_ENV: string; PATH: string };
}

let cached: LanguageHosts | undefined;

function ensureHosts(args: string[]): string {
  const out = execFileSync(
    "bash",
    [path.join(repoRoot, "tools", "language-hosts", "ensure-hosts.sh"), ...args],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return out.trim().split("\n").pop() ?? "";
}

/**
 * The Python, Go and YAML language hosts, built from Go modules by
 * tools/language-hosts/ensure-hosts.sh (cold: several minutes; cached: about a second), with the
 * Python SDK's virtualenv. The test runner provisions them once, before any test timeout starts,
 * and passes them in PULUMI_DOMO_HOSTS_BIN and PULUMI_DOMO_PYTHON_VENV.
 */
export function ensureLanguageHosts(): LanguageHosts {
  if (cached) return cached;
  let binDir = process.env.PULUMI_DOMO_HOSTS_BIN || "";
  let pythonVenv = process.env.PULUMI_DOMO_PYTHON_VENV || "";
  if (!binDir || !pythonVenv) {
    binDir = ensureHosts(["all"]);
    pythonVenv = ensureHosts(["--print-venv"]);
  }
  for (const f of [
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-language-go",
    "pulumi-language-yaml",
  ]) {
    if (!fs.existsSync(path.join(binDir, f))) throw new Error(`no ${f} in ${binDir}`);
  }
  if (!fs.existsSync(path.join(pythonVenv, "bin", "python")))
    throw new Error(`no virtualenv at ${pythonVenv}`);
  const venvBin = path.join(pythonVenv, "bin");
  cached = { binDir, pythonVenv, pythonEnv: { VIRTUAL_ENV: pythonVenv, PATH: venvBin } };
  return cached;
}

/**
 * The environment entries a program in any of the three languages needs: PATH with the
 * virtualenv's bin, the hosts' bin dir and (for Go programs) the `go` toolchain before `basePath`,
 * VIRTUAL_ENV, and GOFLAGS with -mod=mod (the program's go.mod/go.sum may be completed on build).
 */
export function languageHostEnv(
  hosts: LanguageHosts,
  basePath: string = process.env.PATH ?? "",
  baseGoFlags: string = process.env.GOFLAGS ?? "",
): { PATH: string; VIRTUAL_ENV: string; GOFLAGS: string } {
  const entries = [hosts.pythonEnv.PATH, hosts.binDir];
  const goDir = "/usr/local/go/bin";
  const hasGo = basePath
    .split(path.delimiter)
    .some((dir) => dir !== "" && fs.existsSync(path.join(dir, "go")));
  if (!hasGo && fs.existsSync(path.join(goDir, "go"))) entries.push(goDir);
  const goFlags = [...baseGoFlags.split(/\s+/).filter((f) => f !== "" && !f.startsWith("-mod=")), "-mod=mod"];
  return {
    PATH: [...entries, basePath].join(path.delimiter),
    VIRTUAL_ENV: hosts.pythonVenv,
    GOFLAGS: goFlags.join(" "),
  };
}
