#!/usr/bin/env node
// pulumi-resource-domo: the engine starts this process with its address as the argument and
// reads the port it prints (see serve).
import { schemaJson } from "./schema";
import { DomoNativeProvider, serve } from "./server";

// A static require: from dist/ it reads the package's package.json; the plugin's bundle
// (scripts/build-plugin.mjs) inlines it.
const { version } = require("../../package.json") as { version: string };
const provider = new DomoNativeProvider({ version, schema: () => schemaJson(version) });
serve(provider, process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`pulumi-resource-domo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
