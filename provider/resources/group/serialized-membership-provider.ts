// The DomoGroupMembership `__provider`: this path is in users' state files, keep it loadable forever.
import { serializedGroupProviderFor } from "./serialized";

export = serializedGroupProviderFor("membership");
