// The DomoGroupMembers `__provider`: this path is in users' state files, keep it loadable forever.
import { serializedProviderFor } from "../engine";

type RuntimeModule = typeof import("./runtime");

export = serializedProviderFor(
  (configGet) =>
    (require("pulumi-domo/dist/resources/group/runtime.js") as RuntimeModule).sharedGroupRuntime(configGet)
      .members,
);
