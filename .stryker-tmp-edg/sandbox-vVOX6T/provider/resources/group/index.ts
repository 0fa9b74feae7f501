// @ts-nocheck
export {
  DomoGroup,
  type DomoGroupArgs,
  DomoGroupMembers,
  type DomoGroupMembersArgs,
  DomoGroupMembership,
  type DomoGroupMembershipArgs,
  type DomoIdInput,
  domoGroupMembershipType,
  domoGroupMembersType,
  domoGroupType,
} from "./resource";
export {
  createGroupProviderRuntime,
  GroupProviderRuntime,
  PartialGroupError,
  resetSharedGroupRuntime,
  sharedGroupRuntime,
} from "./runtime";

import serializedGroupProvider = require("./serialized-provider");
import serializedGroupMembersProvider = require("./serialized-members-provider");
import serializedGroupMembershipProvider = require("./serialized-membership-provider");

export { serializedGroupMembershipProvider, serializedGroupMembersProvider, serializedGroupProvider };
