// @ts-nocheck
// @stryker-mutator/mocha-runner 10 requires mocha's CLI helpers by their pre-12 names
// (`mocha/lib/cli/run-helpers`, `.../options`, `.../collect-files`); Mocha 12 ships them as
// `.cjs`. This resolves those requests to the `.cjs` files. Loaded by stryker.config.mjs into
// Stryker's own process and, through testRunnerNodeArgs, into every test runner process.
const Module = require("node:module");

const original = Module._resolveFilename;
Module._resolveFilename = function resolveMochaCli(request, ...rest) {
  try {
    return original.call(this, request, ...rest);
  } catch (e) {
    if (/[/\\]mocha[/\\]lib[/\\]cli[/\\][\w-]+$/.test(request)) {
      return original.call(this, `${request}.cjs`, ...rest);
    }
    throw e;
  }
};
