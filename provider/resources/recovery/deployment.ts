import { z } from "zod";

/**
 * The part of a Pulumi deployment (what `pulumi stack export` prints, format version 3) that
 * recovery reads and rewrites: the resources and the pending operations a killed run left.
 * Kept loose: every field it does not name passes through `stack import` unchanged.
 */

export const resourceSchema = z.looseObject({
  urn: z.string(),
  type: z.string(),
  id: z.string().optional(),
  custom: z.boolean().optional(),
  parent: z.string().optional(),
  provider: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  propertyDependencies: z.record(z.string(), z.array(z.string())).optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  created: z.string().optional(),
  modified: z.string().optional(),
});
export type ResourceState = z.infer<typeof resourceSchema>;

/** `creating`, `updating`, `deleting`, `reading` or `importing`: what the engine had started. */
export const pendingSchema = z.looseObject({ resource: resourceSchema, type: z.string() });
export type PendingOperation = z.infer<typeof pendingSchema>;

export const exportedStackSchema = z.looseObject({
  version: z.number(),
  deployment: z.looseObject({
    resources: z.array(resourceSchema).optional(),
    pending_operations: z.array(pendingSchema).optional(),
  }),
});
export type ExportedStack = z.infer<typeof exportedStackSchema>;

/** The last segment of a URN: the resource's logical name. */
export function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** A provider reference is `<provider urn>::<provider id>`: the URN part. */
export function providerUrn(ref: string): string {
  const at = ref.lastIndexOf("::");
  return at < 0 ? ref : ref.slice(0, at);
}

/** Every URN a resource needs in the state before it: parent, provider, dependencies. */
export function referencedUrns(r: ResourceState): string[] {
  const refs = new Set<string>();
  if (r.parent !== undefined) refs.add(r.parent);
  if (r.provider !== undefined) refs.add(providerUrn(r.provider));
  for (const d of r.dependencies ?? []) refs.add(d);
  for (const deps of Object.values(r.propertyDependencies ?? {})) for (const d of deps) refs.add(d);
  return [...refs];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
