import deletionGuardProvider = require("../resources/directory/deletion-guard-provider");

import { sharedGroupRuntime } from "../resources/group/runtime";
import { sharedUserBatchRuntime } from "../resources/user/batch-runtime";
import { sharedUserRuntime } from "../resources/user/runtime";
import type { ConfigGet } from "../runtime";
import type { ResourceKind } from "../runtime/kind";
import { type NativeResourceKind, nativeResourceTypes } from "./tokens";

/**
 * The resource kinds the native provider serves, by type token: the very kinds the dynamic
 * providers adapt (one implementation of every rule), reached through the process's one run
 * (runtime/run.ts), so one plugin process holds one client, one ledger and one set of claims.
 * The engine starts one plugin process per provider instance, so two Domo instances in one
 * program are two runs that share nothing.
 */
export function nativeKind(type: string, configGet?: ConfigGet): ResourceKind<unknown> | undefined {
  const kind = kindNames.get(type);
  if (kind === undefined) return undefined;
  return kindOf[kind](configGet);
}

const kindNames = new Map<string, NativeResourceKind>(
  (Object.entries(nativeResourceTypes) as [NativeResourceKind, string][]).map(([kind, token]) => [
    token,
    kind,
  ]),
);

const kindOf: Record<NativeResourceKind, (configGet?: ConfigGet) => ResourceKind<unknown>> = {
  User: (c) => sharedUserRuntime(c) as ResourceKind<unknown>,
  UserBatch: (c) => sharedUserBatchRuntime(c) as ResourceKind<unknown>,
  Group: (c) => sharedGroupRuntime(c).group as ResourceKind<unknown>,
  GroupMembers: (c) => sharedGroupRuntime(c).members as ResourceKind<unknown>,
  GroupMembership: (c) => sharedGroupRuntime(c).membership as ResourceKind<unknown>,
  DirectoryDeletionGuard: () => deletionGuardProvider as ResourceKind<unknown>,
};
