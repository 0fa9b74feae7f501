import type { PropertyMap } from "./runtime";

type BatchRuntime = import("./batch-runtime").UserBatchRuntime;
type BatchModule = typeof import("./batch-runtime");

interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/**
 * The object Pulumi serializes into every DomoUserBatch's `__provider`; built like the
 * DomoUser one (see serialized-provider.ts): this module's whole exports, the implementation
 * loaded by package path at run time, no credential captured. The batch runtime sits on the
 * process's shared user runtime, so batches and DomoUsers of one run share one client and one
 * ledger of claims. These module paths are written into users' state files: keep them loadable.
 */
const serializedUserBatchProvider = {
  runtime: undefined as BatchRuntime | undefined,

  // Synchronous on purpose: the engine may call other methods before a returned promise settles.
  configure(req: ConfigureRequest): Promise<void> {
    const mod = require("pulumi-domo/dist/resources/user/batch-runtime.js") as BatchModule;
    this.runtime = mod.sharedUserBatchRuntime((key) => req.config.get(key));
    return Promise.resolve();
  },
  impl(): BatchRuntime {
    if (!this.runtime) {
      const mod = require("pulumi-domo/dist/resources/user/batch-runtime.js") as BatchModule;
      this.runtime = mod.sharedUserBatchRuntime();
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

export = serializedUserBatchProvider;
