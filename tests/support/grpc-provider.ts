import { createRequire } from "node:module";
import path from "node:path";
import type { RunningEmulator } from "../../provider/emulator";
import { EngineHarness } from "./engine-harness";
import { packedProject } from "./packed-project";

interface Serialized {
  text: string;
}

let cachedText: Promise<string> | undefined;

/**
 * The `__provider` text a user's program would produce: the provider object serialized by
 * Pulumi's closure serializer from the scratch project that installed the packed tarball.
 */
export function serializedProviderText(): Promise<string> {
  cachedText ??= (async () => {
    const project = (await packedProject()).dir;
    const req = createRequire(path.join(project, "index.js"));
    const pulumi = req("@pulumi/pulumi") as {
      runtime: { serializeFunction(f: () => unknown, o: { allowSecrets: boolean }): Promise<Serialized> };
    };
    const provider = (req("pulumi-domo") as { serializedUserProvider: unknown }).serializedUserProvider;
    const cwd = process.cwd();
    process.chdir(project);
    try {
      return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
    } finally {
      process.chdir(cwd);
    }
  })();
  return cachedText;
}

/**
 * Starts the real dynamic-provider gRPC server from the packed project and configures it for
 * the emulator the way the engine does (the client secret as a secret config value).
 */
export async function startConfiguredProvider(
  emu: RunningEmulator,
  config: Record<string, string> = {},
  env: Record<string, string | undefined> = {},
): Promise<EngineHarness> {
  const project = (await packedProject()).dir;
  const harness = await EngineHarness.start(project, {
    DOMO_CLIENT_SECRET: undefined,
    DOMO_CLIENT_ID: undefined,
    DOMO_DEBUG: undefined,
    ...env,
  });
  try {
    await harness.configure(
      {
        "domo:apiHost": emu.url,
        "domo:clientId": emu.credentials.clientId,
        "domo:clientSecret": emu.credentials.clientSecret,
        ...config,
      },
      ["domo:clientSecret"],
    );
  } catch (e) {
    await harness.stop();
    throw e;
  }
  return harness;
}
