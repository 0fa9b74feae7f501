import type { PropertyMap } from "./runtime";

type Runtime = import("./runtime").UserProviderRuntime;
type RuntimeModule = typeof import("./runtime");

interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/**
 * The object Pulumi serializes into every DomoUser's `__provider`. It is deliberately tiny:
 * each method loads the real implementation from the installed package at run time, so the
 * state stays small (a few hundred bytes per user, not the whole client), provider upgrades
 * apply to existing resources, and no credential is ever captured (they arrive through
 * `configure` or the environment).
 *
 * The module path below is written into users' state files: it must stay loadable forever.
 * `require` is resolved by the provider process from the Pulumi project's node_modules.
 */
export const serializedUserProvider = {
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
