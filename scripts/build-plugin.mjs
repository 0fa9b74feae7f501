#!/usr/bin/env node
// Builds the native provider's plugin archive, installable with no download and no Node.js on
// the target machine:
//   build/plugin/pulumi-resource-domo-v<version>-<os>-<arch>.tar.gz
// holding one executable, `pulumi-resource-domo`: a Node.js single executable application
// (Node 22's SEA: the node binary from the `node` dev dependency, with the provider bundled by
// esbuild into one script and injected by postject). Install it with
//   pulumi plugin install resource domo <version> --file <archive>
// Run after `npm run build` (it bundles dist/native/main.js).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const out = path.join(root, "build", "plugin");
const work = path.join(out, "work");
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const log = (line) => process.stderr.write(`build-plugin: ${line}\n`);

// 1. One script: the provider and every module it loads. Node's SEA runs one CommonJS file
//    and can require only Node's built-in modules.
const bundle = path.join(work, "pulumi-resource-domo.js");
await esbuild.build({
  entryPoints: [path.join(root, "dist", "native", "main.js")],
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  outfile: bundle,
  logLevel: "warning",
  // Minified (names kept: the SDK reads some constructors' names): V8 holds the whole script's
  // source in memory for as long as the provider runs, so its size is resident memory.
  minify: true,
  keepNames: true,
  // Node's own punycode module is deprecated and warns on every start; the npm package is the
  // same code without the warning.
  // TypeScript: see plugin/no-typescript.cjs (the SDK loads it for dynamic providers only).
  alias: {
    ...(fs.existsSync(path.join(root, "node_modules", "punycode")) ? { punycode: "punycode/" } : {}),
    typescript: path.join(root, "scripts", "plugin", "no-typescript.cjs"),
  },
  // In a single executable `require` loads Node's built-in modules only, and has no `resolve`:
  // modules that call require.resolve when they load (the dynamic resources' module, which the
  // UserDirectory component's planning imports, resolves @pulumi/pulumi's directory) would
  // fail with "require.resolve is not a function". Every require.resolve goes to one that
  // resolves beside the executable and, for a module bundled into it (so not on disk), answers
  // the path it would have there: nothing reads from it (the callers only compare paths, or
  // try a require that fails and is caught).
  define: { "require.resolve": "__seaRequireResolve" },
  banner: {
    js: [
      "var __seaRequireResolve = (id, options) => {",
      '  const nodePath = require("node:path");',
      "  try {",
      '    return require("node:module").createRequire(process.execPath).resolve(id, options);',
      "  } catch {",
      '    return nodePath.join(nodePath.dirname(process.execPath), "node_modules", id);',
      "  }",
      "};",
    ].join("\n"),
  },
});
log(`bundled ${(fs.statSync(bundle).size / 1e6).toFixed(1)} MB`);

// 2. The single executable: a copy of Node 22 (stripped of its debug symbols) with the script.
//    The provider controls its own process: it starts with the V8 flags in plugin/node-flags
//    (`execArgv`, Node 22's SEA config; the clone's launcher passes the same), whatever
//    NODE_OPTIONS the user's environment holds (`execArgvExtension: "none"`: the engine passes
//    its environment to plugins, and a NODE_OPTIONS meant for the program would otherwise reach
//    the plugin too). Why those flags, measured in a 10,000-user bulk directory (bench/native,
//    docs/native-memory.md): with V8's defaults (an old space of about 4 GiB here, a share of
//    the machine's memory, and 16 MiB semi-spaces) the heap grew before collecting and the
//    plugin's peak RSS reached 893 MiB; the live heap at its peak is about 130 MiB (the limit
//    at which that directory still completes), so an old space of 384 MiB leaves about three
//    times that, and 4 MiB semi-spaces keep the young generation's garbage from adding to RSS.
const seaConfig = path.join(work, "sea-config.json");
const blob = path.join(work, "sea-prep.blob");
fs.writeFileSync(
  seaConfig,
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    execArgv: fs
      .readFileSync(path.join(root, "plugin", "node-flags"), "utf8")
      .trim()
      .split(/\s+/),
    execArgvExtension: "none",
  }),
);
const node = path.join(root, "node_modules", "node", "bin", "node");
execFileSync(node, ["--experimental-sea-config", seaConfig], { stdio: ["ignore", "ignore", "inherit"] });
const exe = path.join(work, "pulumi-resource-domo");
fs.copyFileSync(node, exe);
fs.chmodSync(exe, 0o755);
try {
  execFileSync("strip", [exe], { stdio: "ignore" });
} catch {
  log("strip not found: the executable keeps Node's debug symbols (larger, same behaviour)");
}
const postject = path.join(path.dirname(require.resolve("postject/package.json")), "dist", "cli.js");
execFileSync(
  node,
  [postject, exe, "NODE_SEA_BLOB", blob, "--sentinel-fuse", "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"],
  { stdio: ["ignore", "ignore", "inherit"] },
);

// 3. The archive `pulumi plugin install --file` takes: the executable at its top level.
const platform = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
const archive = path.join(out, `pulumi-resource-domo-v${version}-${platform}.tar.gz`);
execFileSync("tar", ["-czf", archive, "-C", work, "pulumi-resource-domo"]);
log(`wrote ${path.relative(root, archive)} (${(fs.statSync(archive).size / 1e6).toFixed(1)} MB)`);
process.stdout.write(`${archive}\n`);
