#!/usr/bin/env node
// @ts-nocheck
import { processIo } from "./io";
import { runCli } from "./run";

// exitCode rather than exit(): lets stdout drain when it is a pipe.
runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
