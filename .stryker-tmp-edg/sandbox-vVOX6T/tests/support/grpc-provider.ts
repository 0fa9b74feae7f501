// @ts-nocheck
import { createRequire } from "node:module";
import path from "node:path";
import type { RunningEmulator } from "../../provider/emulator";
import { EngineHarness } from "./engine-harness";
import { packedProject } from "./packed-project";

export interface SerializedProvider {
  text: string;
  containsSecrets: boolean;
}

let cached: Promise<SerializedProvider> | undefined;

/**
 * The `__provider` a user's program would produce: the provider object serialized by
 * Pulumi's closure serializer from the scratch project that installed the packed tarball,
 * with that project as the working directory (as `pulumi up` runs it).
 */
export function serializedProvider(): Promise<SerializedProvider> {
  cached ??= (async () => {
    const project = (await packedProject()).dir;
    const req = createRequire(path.join(project, "index.js"));
    const pulumi = req("@pulumi/pulumi") as {
      runtime: {
        serializeFunction(f: () => unknown, o: { allowSecrets: boolean }): Promise<SerializedProvider>;
      };
    };
    // The provider object itself, as DomoUser hands it to dynamic.Resource.
    const provider = (req("pulumi-domo") as { serializedUserProvider: unknown }).serializedUserProvider;
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, {
        allowSecrets: true,
      });
      return { text, containsSecrets };
    } finally {
      process.chdir(cwd);
    }
  })();
  return cached;
}

export async function serializedProviderText(): Promise<string> {
  return (await serializedProvider()).text;
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
