import { createdGuard } from "../../model/deletion-guard";
import type { KindRecovery } from "../recovery/kind";
import { noReads } from "../recovery/live";
import { deletionGuardType } from "./resource-type";

/**
 * A directory's deletion guard never talks to Domo: a create a killed run left pending is
 * recorded exactly as the create answers (createdGuard), so the next run's mass-deletion check
 * and layout hand-over compare against what that run declared.
 */
export const deletionGuardRecovery: KindRecovery = {
  type: deletionGuardType,
  noun: "directory deletion guard",
  unit: "guard",
  holdings: () => [],
  reads: () => noReads,
  settle(op) {
    const inputs = op.resource.inputs ?? {};
    const { id, outs } = createdGuard(inputs);
    return {
      kind: "record",
      resource: { ...op.resource, id, custom: true, outputs: { ...outs } },
      detail: "recorded as its create records it (it never talks to Domo)",
      recorded: 0,
    };
  },
  afterDropped: {
    updating:
      "it never talks to Domo: the state holds it as before, and the next `pulumi up` checks and records it again",
    deleting: "it never talks to Domo: the next `pulumi up` deletes it again if the directory is gone",
  },
};
