import type { PropertyMap } from "./context";

type RuntimeModule = typeof import("./runtime");
/** Which of the shared runtime's handlers a provider object serves. */
export type GroupHandlerKey = "group" | "members" | "membership";
type Handler = import("./runtime").GroupProviderRuntime[GroupHandlerKey];

export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/**
 * The object Pulumi serializes into every group resource's `__provider` (DomoGroup,
 * DomoGroupMembers, DomoGroupMembership). As for DomoUser, each is the whole `module.exports`
 * of its own module (serialized-provider, serialized-members-provider,
 * serialized-membership-provider), so installed from npm it is captured as one `require` of
 * that file; serialized by value it holds only strings and methods that load the runtime by
 * package path at run time. No credential is ever captured. The three types' providers share
 * one runtime per process (`sharedGroupRuntime`): one client and one record of claims. The
 * module paths are written into users' state files: they must stay loadable forever.
 */
export function serializedGroupProviderFor(key: GroupHandlerKey) {
  return {
    key,
    handler: undefined as Handler | undefined,

    // Synchronous on purpose: the engine may call other methods before a returned promise settles.
    configure(req: ConfigureRequest): Promise<void> {
      const mod = require("pulumi-domo/dist/resources/group/runtime.js") as RuntimeModule;
      this.handler = mod.sharedGroupRuntime((k) => req.config.get(k))[this.key];
      return Promise.resolve();
    },
    impl(): Handler {
      if (!this.handler) {
        const mod = require("pulumi-domo/dist/resources/group/runtime.js") as RuntimeModule;
        this.handler = mod.sharedGroupRuntime()[this.key];
      }
      return this.handler;
    },
    check(olds: PropertyMap, news: PropertyMap) {
      return this.impl().check(olds, news);
    },
    diff(id: string, olds: PropertyMap, news: PropertyMap) {
      return this.impl().diff(id, olds, news);
    },
    create(inputs: PropertyMap) {
      return this.impl().create(inputs);
    },
    read(id: string, props: PropertyMap) {
      return this.impl().read(id, props);
    },
    update(id: string, olds: PropertyMap, news: PropertyMap) {
      return this.impl().update(id, olds, news);
    },
    delete(id: string, props: PropertyMap) {
      return this.impl().delete(id, props);
    },
  };
}
