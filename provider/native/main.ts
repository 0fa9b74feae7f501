#!/usr/bin/env node
// pulumi-resource-domo: the engine starts this process with its address as the argument and
// reads the port it prints (see serve).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { schemaJson } from "./schema";
import { DomoNativeProvider, serve } from "./server";

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

const version = packageVersion();
const provider = new DomoNativeProvider({ version, schema: () => schemaJson(version) });
serve(provider, process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`pulumi-resource-domo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
