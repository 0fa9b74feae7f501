// @ts-nocheck
import type { PropertyMap } from "./context";

type Handler = import("./runtime").GroupProviderRuntime["members"];
type RuntimeModule = typeof import("./runtime");

interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/**
 * The object Pulumi serializes into every DomoGroupMembers's `__provider`. As for DomoUser: it is
 * this module's whole `module.exports`, so installed from npm it is captured as one
 * `require` of this file; serialized by value it loads the runtime by package path at run
 * time. No credential is ever captured. The three group types' providers share one runtime
 * per process (`sharedGroupRuntime`): one client and one record of claims. These module
 * paths are written into users' state files: they must stay loadable forever.
 */
const serializedGroupMembersProvider = {
  handler: undefined as Handler | undefined,

  // Synchronous on purpose: the engine may call other methods before a returned promise settles.
  configure(req: ConfigureRequest): Promise<void> {
    const mod = require("pulumi-domo/dist/resources/group/runtime.js") as RuntimeModule;
    this.handler = mod.sharedGroupRuntime((key) => req.config.get(key)).members;
    return Promise.resolve();
  },
  impl(): Handler {
    if (!this.handler) {
      const mod = require("pulumi-domo/dist/resources/group/runtime.js") as RuntimeModule;
      this.handler = mod.sharedGroupRuntime().members;
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

export = serializedGroupMembersProvider;
