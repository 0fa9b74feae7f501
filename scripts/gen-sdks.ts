// Writes sdk/schema.json (the domo package schema, derived from the zod model by
// provider/native/schema.ts) and generates the SDKs from it into sdk/<language>.
//
//   npm run gen:sdks                       nodejs, python, go, dotnet (java: see below)
//   npm run gen:sdks -- nodejs python      only these
//   npm run gen:sdks -- --via cli java     through `pulumi package gen-sdk` (needs language hosts
//                                          that implement GeneratePackage, e.g. a full Pulumi install)
//   npm run schema                         print the schema JSON
//
// By default the SDKs come from scripts/sdkgen, a small Go program that runs the code
// generators of github.com/pulumi/pulumi/pkg/v3 v3.276.0 (nodejs, python, go; dotnet from
// v3.206.0, the last release that carried it): the same generators `pulumi package gen-sdk`
// reaches through a language host. The CLI cannot do it here: the language hosts that build
// offline (sdk/v3 v3.68.0) answer "method GeneratePackage not implemented", and the Java
// generator (pulumi-java) is neither installed nor served by the module proxy.
// See docs/native-schema.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { schemaJson } from "../provider/native/schema";

export const repoRoot = path.resolve(__dirname, "..");
export const sdkDir = path.join(repoRoot, "sdk");
export const languages = ["nodejs", "python", "go", "dotnet", "java"] as const;
export type Language = (typeof languages)[number];

/** The schema's version: the repository's package version. */
export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version as string;
}

const goBin = ["/usr/local/go/bin", path.join(os.homedir(), "go", "bin")];

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: [...goBin, process.env.PATH ?? ""].join(path.delimiter),
    GOFLAGS: "-mod=mod",
    // sum.golang.org is not reachable everywhere this runs; go.sum pins what the cache holds.
    GOSUMDB: process.env.GOSUMDB ?? "off",
  };
}

/** The generator module that serves a language, and the binary built from it. */
function generatorFor(language: Language): { dir: string; bin: string } | undefined {
  const sub =
    language === "dotnet" ? "dotnet" : ["nodejs", "python", "go"].includes(language) ? "" : undefined;
  if (sub === undefined) return undefined;
  const dir = path.join(repoRoot, "scripts", "sdkgen", sub);
  const bin = path.join(repoRoot, "node_modules", ".cache", "pulumi-domo-sdkgen", sub || "main", "sdkgen");
  return { dir, bin };
}

function newest(dir: string): number {
  return Math.max(
    ...["main.go", "go.mod", "go.sum"].map((f) => {
      const p = path.join(dir, f);
      return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0;
    }),
  );
}

/** Builds the generator for `language` (minutes the first time, seconds with a warm Go cache). */
export function ensureGenerator(language: Language): string {
  const gen = generatorFor(language);
  if (!gen) throw new Error(`no scripts/sdkgen generator for ${language}; use --via cli`);
  if (fs.existsSync(gen.bin) && fs.statSync(gen.bin).mtimeMs >= newest(gen.dir)) return gen.bin;
  fs.mkdirSync(path.dirname(gen.bin), { recursive: true });
  execFileSync("go", ["build", "-o", gen.bin, "."], { cwd: gen.dir, env: goEnv(), stdio: "inherit" });
  return gen.bin;
}

/** Generates one language's SDK from `schemaPath` into `outDir` (emptied first). */
export function generate(
  language: Language,
  schemaPath: string,
  outDir: string,
  via: "sdkgen" | "cli" = "sdkgen",
): void {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  if (via === "cli") {
    const pulumi =
      process.env.PULUMI_CLI ?? path.join(os.homedir(), ".pulumi", "versions", "3.276.0", "bin", "pulumi");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gen-sdk-"));
    execFileSync(pulumi, ["package", "gen-sdk", schemaPath, "--language", language, "-o", tmp], {
      stdio: "inherit",
    });
    fs.cpSync(path.join(tmp, language), outDir, { recursive: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  } else {
    execFileSync(ensureGenerator(language), [schemaPath, language, outDir], { stdio: "inherit" });
  }
  if (language === "go") writeGoModule(path.join(outDir, "domo"));
}

/** The Go SDK's module: what `go get` of the import path finds, and what compiles it here. */
export const goModule = (importPath: string) =>
  `module ${importPath}\n\ngo 1.22\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.276.0\n`;

/** go.mod (and go.sum when Go is here) beside the generated Go package: codegen writes neither. */
function writeGoModule(pkgDir: string): void {
  const schema = JSON.parse(fs.readFileSync(path.join(sdkDir, "schema.json"), "utf8"));
  fs.writeFileSync(path.join(pkgDir, "go.mod"), goModule(schema.language.go.importBasePath));
  try {
    execFileSync("go", ["mod", "tidy"], { cwd: pkgDir, env: goEnv(), stdio: "inherit" });
  } catch (e) {
    console.warn(`go mod tidy failed in ${pkgDir} (go.sum not written): ${(e as Error).message}`);
  }
}

/** Files of an SDK tree that codegen writes (go.mod/go.sum are ours; build output is not the SDK's). */
export function generatedFiles(dir: string): string[] {
  const skip = new Set(["node_modules", "bin", "__pycache__", "build", "obj", ".gradle"]);
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip.has(entry.name) && !entry.name.endsWith(".egg-info")) walk(r);
      } else if (!/(^|\/)go\.(mod|sum)$/.test(r)) out.push(r);
    }
  };
  if (fs.existsSync(dir)) walk("");
  return out.sort();
}

function main(argv: string[]): void {
  if (argv.includes("--print-schema")) {
    process.stdout.write(schemaJson(packageVersion()));
    return;
  }
  let via: "sdkgen" | "cli" = "sdkgen";
  const asked: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--via") via = argv[++i] === "cli" ? "cli" : "sdkgen";
    else asked.push(argv[i]!);
  }
  const wanted = (
    asked.length ? asked : languages.filter((l) => via === "cli" || l !== "java")
  ) as Language[];
  for (const l of wanted) if (!languages.includes(l)) throw new Error(`unknown language ${l}`);
  fs.mkdirSync(sdkDir, { recursive: true });
  const schemaPath = path.join(sdkDir, "schema.json");
  fs.writeFileSync(schemaPath, schemaJson(packageVersion()));
  console.log(`wrote ${path.relative(repoRoot, schemaPath)}`);
  for (const language of wanted) {
    const started = Date.now();
    generate(language, schemaPath, path.join(sdkDir, language), via);
    console.log(
      `generated sdk/${language} (${generatedFiles(path.join(sdkDir, language)).length} files, ${Date.now() - started} ms)`,
    );
  }
}

if (require.main === module) main(process.argv.slice(2));
