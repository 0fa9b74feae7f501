import type { ExportedStack, ResourceState } from "../../provider/resources/recovery/deployment";

/** Builders of exported deployments as `pulumi stack export` prints them, for recovery tests. */

export const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
export const providerUrn = "urn:pulumi:dev::p::pulumi:providers:pulumi-nodejs::default";
export const providerRef = `${providerUrn}::abc`;
export const directoryUrn = "urn:pulumi:dev::p::domo:index:UserDirectory::people";

/** A custom resource's URN: under the stack, or under the directory (`$`-joined types). */
export function urnOf(type: string, name: string, parent: "stack" | "directory" = "stack"): string {
  return parent === "stack"
    ? `urn:pulumi:dev::p::${type}::${name}`
    : `urn:pulumi:dev::p::domo:index:UserDirectory$${type}::${name}`;
}

export function resourceOf(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<ResourceState> & { under?: "stack" | "directory" } = {},
): ResourceState {
  const { under = "stack", ...rest } = extra;
  return {
    urn: urnOf(type, name, under),
    custom: true,
    type,
    parent: under === "stack" ? stackUrn : directoryUrn,
    provider: providerRef,
    inputs: { __provider: "serialized", ...inputs },
    ...rest,
  };
}

export function pendingOf(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  operation = "creating",
  extra: Partial<ResourceState> & { under?: "stack" | "directory" } = {},
) {
  return { type: operation, resource: resourceOf(type, name, inputs, extra) };
}

/** The stack, its default provider and a users directory, then `resources`; `pending` as given. */
export function deploymentOf(pending: unknown[], resources: unknown[] = []): ExportedStack {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-12-01T09:00:00Z" },
      resources: [
        { urn: stackUrn, type: "pulumi:pulumi:Stack" },
        { urn: providerUrn, id: "abc", type: "pulumi:providers:pulumi-nodejs" },
        { urn: directoryUrn, type: "domo:index:UserDirectory", parent: stackUrn },
        ...resources,
      ],
      pending_operations: pending,
    },
  } as ExportedStack;
}
