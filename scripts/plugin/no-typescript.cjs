// The plugin's stand-in for the `typescript` package (scripts/build-plugin.mjs aliases it here).
// @pulumi/pulumi requires TypeScript at load for two things the native provider never does:
// serializing a function (dynamic providers' code in state) and analyzing a component's source
// (`pulumi package` from TypeScript). Bundled, TypeScript is a 9 MB script the provider would
// hold in memory for its whole life (bench/native: the plugin's peak RSS); this stand-in loads
// nothing and names the gap if anything ever reaches for it.
"use strict";
module.exports = new Proxy(
  {},
  {
    get(_target, key) {
      // Module-interop probes (esModule flags, thenables, inspection) find nothing.
      if (typeof key === "symbol" || key === "__esModule" || key === "then" || key === "default")
        return undefined;
      throw new Error(
        `pulumi-resource-domo: TypeScript (ts.${String(key)}) is not part of the plugin; the native provider serializes no functions`,
      );
    },
  },
);
