// The DomoUser `__provider` (see serializedProviderFor): this path is in users' state files,
// keep it loadable forever. The runtime loads by package path, resolved from the project.
import { serializedProviderFor } from "../engine";

type RuntimeModule = typeof import("./runtime");

export = serializedProviderFor((configGet) =>
  (require("pulumi-domo/dist/resources/user/runtime.js") as RuntimeModule).sharedUserRuntime(configGet),
);
