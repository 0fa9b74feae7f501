import { DomoError } from "../client/errors";
import { Redactor } from "../client/log";
import { UsersFileError } from "../usersfile";
import { auditCommand, auditUsage } from "./audit";
import { exportCommand, exportUsage } from "./export";
import { CliError, type CliIo, CliUsageError, exitCodes } from "./io";
import { migrateCommand, migrateUsage } from "./migrate";
import { recoverCommand, recoverUsage } from "./recover";

export const mainUsage = `Usage: pulumi-domo <command> [options]

Domo user accounts as code: tools around the pulumi-domo provider.

Commands:
  export     write the users in Domo to a users file (with ids, ready to take over)
  audit      compare a users file with Domo: undeclared, drifted and missing accounts
  recover    after an interrupted \`pulumi up\`: bring what it created in Domo into the stack
  migrate    move a stack from the dynamic resources to the native domo provider (no Domo calls)
  emulator   run a local emulator of Domo's Users API
  help       show help (pulumi-domo help <command> for one command)

Credentials come from the environment, as for the provider: DOMO_API_HOST, DOMO_CLIENT_ID,
DOMO_CLIENT_SECRET (or --api-host, --client-id, --client-secret-file). The secret is never
accepted as a flag value.`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

type EmulatorModule = typeof import("./emulator");
// require, not import(): the compiled CommonJS turns import() into require anyway, and a native
// import() of a .ts path fails where tests run the sources through a require hook.
const emulatorModule = () => require("./emulator") as EmulatorModule;

const commands: Record<string, { run: Command; usage: () => Promise<string> }> = {
  export: { run: exportCommand, usage: async () => exportUsage },
  audit: { run: auditCommand, usage: async () => auditUsage },
  recover: { run: recoverCommand, usage: async () => recoverUsage },
  migrate: { run: migrateCommand, usage: async () => migrateUsage },
  emulator: {
    // Loaded on demand: export and audit never pay for the emulator's code.
    run: async (argv, io) => {
      await emulatorModule().emulatorCommand(argv, { out: (line) => io.stdout(`${line}\n`) });
      return exitCodes.ok;
    },
    usage: async () => emulatorModule().EMULATOR_USAGE,
  },
};

/**
 * Runs `pulumi-domo <argv>` and returns the exit code. Never throws: every failure becomes
 * a short message on stderr, with any secret masked.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      const topic = name === "help" ? rest[0] : undefined;
      if (topic === undefined) io.stdout(`${mainUsage}\n`);
      else {
        const command = Object.hasOwn(commands, topic) ? commands[topic] : undefined;
        if (!command) throw new CliUsageError(`no such command "${topic}"`);
        io.stdout(`${await command.usage()}\n`);
      }
      return name === undefined ? exitCodes.failed : exitCodes.ok;
    }
    if (name === "--version" || name === "version") {
      io.stdout(`${packageVersion()}\n`);
      return exitCodes.ok;
    }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!command) throw new CliUsageError(`unknown command "${name}"`);
    return await command.run([...rest], io);
  } catch (e) {
    io.stderr(`${describeFailure(e, name, io)}\n`);
    return exitCodes.failed;
  }
}

function describeFailure(e: unknown, command: string | undefined, io: CliIo): string {
  const redactor = new Redactor();
  redactor.add(io.env.DOMO_CLIENT_SECRET);
  const helpFor = command && Object.hasOwn(commands, command) ? ` ${command}` : "";
  let text: string;
  if (e instanceof UsersFileError) {
    // One line per problem, compiler style: editors and CI annotate them.
    text = e.message;
  } else if (e instanceof CliUsageError || isParseArgsError(e)) {
    text = `pulumi-domo: ${oneLine((e as Error).message)} (see: pulumi-domo help${helpFor})`;
  } else if (e instanceof DomoError || e instanceof CliError || e instanceof Error) {
    text = `pulumi-domo: ${oneLine(e.message)}`;
  } else {
    text = `pulumi-domo: ${oneLine(String(e))}`;
  }
  return redactor.redact(text);
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

function oneLine(message: string): string {
  return (
    message
      .split(/\r?\n/)
      .filter((l) => l.trim() !== "")[0]
      ?.trim() ?? "failed"
  );
}

function packageVersion(): string {
  try {
    return (require("../../package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}
