/**
 * The group type tokens, apart from the resource classes so tools that read state need not
 * load @pulumi/pulumi. Changing one would replace every such resource in every stack: never do.
 */
// @ts-nocheck

export const domoGroupType = "pulumi-nodejs:dynamic/domo:Group";
export const domoGroupMembersType = "pulumi-nodejs:dynamic/domo:GroupMembers";
export const domoGroupMembershipType = "pulumi-nodejs:dynamic/domo:GroupMembership";
