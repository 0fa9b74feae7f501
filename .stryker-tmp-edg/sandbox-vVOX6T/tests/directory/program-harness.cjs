// @ts-nocheck
// Runs a Pulumi TypeScript program the way `pulumi up` does (see @pulumi/pulumi/cmd/run/run.js):
// cwd = the directory of `main` (pulumi-language-nodejs passes it as --pwd), Pulumi's vendored
// ts-node with the project's TypeScript, ./tsconfig.json of that directory, and compiler options
// from that file alone over Pulumi's defaults; but with mocks instead of an engine. Prints the stack outputs as JSON on the last line.
// Usage: node program-harness.cjs <projectDir> <main>
const fs = require("node:fs");
const path = require("node:path");

const [projectDir, main] = process.argv.slice(2);
const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const pulumi = require("@pulumi/pulumi");
const tsutils = require(path.join(sdk, "tsutils"));

const programDir = path.dirname(path.resolve(projectDir, main));
process.chdir(programDir);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: undefined,
  project: "tsconfig.json",
  skipProject: !fs.existsSync("tsconfig.json"),
  compilerOptions: {
    target: "ES2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: "true",
    ...tsutils.loadTypeScriptCompilerOptions("tsconfig.json"),
  },
});

let next = 1000000001;
pulumi.runtime
  .setMocks(
    {
      newResource: (args) => ({
        id: args.id || String(next),
        state: { ...args.inputs, userId: args.id ? Number(args.id) : next++ },
      }),
      call: () => ({}),
    },
    "project",
    "stack",
    true,
  )
  .then(async () => {
    const outputs = require(path.resolve(programDir, path.basename(main)));
    const resolved = {};
    for (const [key, value] of Object.entries(outputs)) {
      resolved[key] = await new Promise((resolve) => pulumi.output(value).apply(resolve));
    }
    process.stdout.write(`${JSON.stringify(resolved)}\n`);
  })
  .catch((e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exitCode = 1;
  });
