import { dynamicType } from "../type-tokens";

/**
 * The group type tokens, apart from the resource classes so tools that read state need not
 * load @pulumi/pulumi. Changing one would replace every such resource in every stack: never do.
 */
export const domoGroupType = dynamicType("Group");
export const domoGroupMembersType = dynamicType("GroupMembers");
export const domoGroupMembershipType = dynamicType("GroupMembership");
