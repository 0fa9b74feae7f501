// The DomoUserBatch `__provider` (see serializedProviderFor): this path is in users' state
// files, keep it loadable forever. The batch runtime sits on the process's shared user
// runtime, so batches and DomoUsers of one run share one client and one ledger of claims.
import { serializedProviderFor } from "../engine";

type BatchModule = typeof import("./batch-runtime");

export = serializedProviderFor((configGet) =>
  (require("pulumi-domo/dist/resources/user/batch-runtime.js") as BatchModule).sharedUserBatchRuntime(
    configGet,
  ),
);
