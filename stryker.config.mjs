// Mutation testing (`npm run mutation`, not part of `npm test` or CI): StrykerJS mutates the
// client and the resource providers and runs the fast in-process specs against each mutant.
// Specs that go through the packed package (`dist/`, the gRPC server, the Pulumi CLI) test the
// published build, not the mutated sources, so they are left out (the grep below skips the
// gRPC describes and the compiled-CLI describe; tests/directory/programs, tests/e2e, tests/package
// and tests/bench are not listed).
//
// A subset: `npx stryker run stryker.config.mjs --mutate 'provider/client/users.ts'` (several
// files: one comma-separated list). Per-folder scores: reports/mutation-summary.md; runs and
// survivors: reports/mutation/README.md. Reports land in reports/mutation/ (not in git).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// STRYKER_REPORT names the report files (reports/mutation/<name>.json|.html), default "mutation".
const report = process.env.STRYKER_REPORT ?? "mutation";
const shim = path.join(path.dirname(fileURLToPath(import.meta.url)), "stryker.mocha-shim.cjs");
createRequire(import.meta.url)(shim);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "mocha",
  testRunnerNodeArgs: ["--require", shim],
  mochaOptions: {
    spec: [
      "tests/client/**/*.test.ts",
      "tests/cli/cli.test.ts",
      "tests/resources/user-provider.test.ts",
      "tests/resources/group-provider.test.ts",
      "tests/resources/trust.test.ts",
      "tests/resources/emulator-behaviours.test.ts",
      "tests/resources/runtime-details.test.ts",
      "tests/resources/users-api.test.ts",
      "tests/resources/user-batch.test.ts",
      "tests/directory/directory.test.ts",
      "tests/directory/preview-ids.test.ts",
      "tests/directory/bulk.test.ts",
      "tests/directory/naming.test.ts",
      "tests/directory/deletion-guard.test.ts",
      "tests/resources/group-diff.test.ts",
      "tests/resources/group-claims.test.ts",
      "tests/resources/group-context.test.ts",
      "tests/resources/group-membership.test.ts",
      "tests/resources/recovery.test.ts",
      "tests/resources/resource-constructors.test.ts",
      "tests/resources/user-diff.test.ts",
      "tests/resources/content-owners.test.ts",
      "tests/resources/defaults-convention.test.ts",
      "tests/runtime/run.test.ts",
      "tests/reliability/bad-input.test.ts",
      "tests/reliability/fault-matrix.test.ts",
      "tests/reliability/guards.test.ts",
      "tests/reliability/properties.test.ts",
      "tests/reliability/secrets.test.ts",
    ],
    require: ["tsx/cjs", "tests/support/hooks.ts"],
    extension: ["ts"],
    // Every test except those through the real gRPC server and the compiled CLI (they load the
    // packed dist/). tests/directory/programs.test.ts runs programs against dist/ and is left out.
    grep: "/^(?!.*(gRPC|compiled \\(dist)).*/",
  },
  mutate: ["provider/client/**/*.ts", "provider/resources/**/*.ts"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 5000,
  timeoutFactor: 2,
  // dist/ is copied into the sandbox (unmutated): the directory's deletion-guard provider loads its
  // rules by package path (pulumi-domo/dist/model/deletion-guard.js), which is not mutated here.
  ignorePatterns: ["tests/.tmp", "bench/.tmp", "tools/pulumi-cli/.build", ".pulumi", "reports", "deploy"],
  reporters: ["html", "json", "clear-text", "progress"],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
