// @ts-nocheck
import { createRequire } from "node:module";
import path from "node:path";
import type { SerializedProvider } from "./grpc-provider";
import { packedProject } from "./packed-project";

/** The group resources' provider objects, by the name the package root exports them under. */
export const groupProviderExports = [
  "serializedGroupProvider",
  "serializedGroupMembersProvider",
  "serializedGroupMembershipProvider",
] as const;
export type GroupProviderExport = (typeof groupProviderExports)[number];

const cache = new Map<GroupProviderExport, Promise<SerializedProvider>>();

/**
 * The `__provider` a program makes for a group resource: serialized by Pulumi's closure
 * serializer in the scratch project that installed the packed tarball, from that directory.
 */
export function serializedGroupProvider(name: GroupProviderExport): Promise<SerializedProvider> {
  let found = cache.get(name);
  if (!found) {
    found = (async () => {
      const project = (await packedProject()).dir;
      const req = createRequire(path.join(project, "index.js"));
      const pulumi = req("@pulumi/pulumi") as {
        runtime: {
          serializeFunction(f: () => unknown, o: { allowSecrets: boolean }): Promise<SerializedProvider>;
        };
      };
      const provider = (req("pulumi-domo") as Record<string, unknown>)[name];
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
    cache.set(name, found);
  }
  return found;
}
