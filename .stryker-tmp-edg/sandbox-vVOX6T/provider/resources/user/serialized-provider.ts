// @ts-nocheck
import type { PropertyMap } from "./runtime";

type Runtime = import("./runtime").UserProviderRuntime;
type RuntimeModule = typeof import("./runtime");

interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/**
 * The object Pulumi serializes into every DomoUser's `__provider`, kept as small as it can be
 * because that text is stored twice per user in every state file, sent on every RPC, and
 * rewritten with each checkpoint the engine saves during an update (so its size costs time
 * quadratic in the number of users).
 *
 * - It is this module's whole `module.exports`. Pulumi's closure serializer captures a
 *   module that lives in node_modules as `require("<package path>")`: installed from npm, the
 *   whole `__provider` is one require of this file (a few hundred bytes).
 * - Where the package is not under node_modules (this repository), the object is serialized
 *   by value; each method then loads the implementation by package name at run time, so the
 *   text stays at about 3 KB and never drags the client along.
 *
 * Either way provider upgrades apply to existing resources, and no credential is ever
 * captured: they arrive through `configure` or the environment. The module paths here are
 * written into users' state files: they must stay loadable forever. `require` is resolved by
 * the provider process from the Pulumi project's node_modules.
 */
const serializedUserProvider = {
  runtime: undefined as Runtime | undefined,

  // Synchronous on purpose: the engine may call other methods before a returned promise settles.
  configure(req: ConfigureRequest): Promise<void> {
    const mod = require("pulumi-domo/dist/resources/user/runtime.js") as RuntimeModule;
    this.runtime = mod.createUserProviderRuntime((key) => req.config.get(key));
    return Promise.resolve();
  },
  impl(): Runtime {
    if (!this.runtime) {
      const mod = require("pulumi-domo/dist/resources/user/runtime.js") as RuntimeModule;
      this.runtime = mod.createUserProviderRuntime();
    }
    return this.runtime;
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

export = serializedUserProvider;
