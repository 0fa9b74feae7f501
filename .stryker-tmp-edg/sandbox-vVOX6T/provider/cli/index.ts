// @ts-nocheck
export { auditCommand, auditUsage } from "./audit";
export { cliClientSettings, refuseSecretFlag } from "./credentials";
export { exportCommand, exportUsage } from "./export";
export { CliError, type CliIo, CliUsageError, exitCodes, processIo } from "./io";
export { mainUsage, runCli } from "./run";
