// @ts-nocheck
import type { DomoClient } from "../client";
import type { LiveGroups } from "../usersfile";

/** Every group and each group's member ids: one group listing, one member listing per group. */
export async function readGroups(client: DomoClient): Promise<LiveGroups> {
  const groups = await client.groups.listAll();
  const members = new Map<number, readonly number[]>();
  for (const g of groups) members.set(g.id, await client.groups.listMembers(g.id));
  return { groups, members };
}
