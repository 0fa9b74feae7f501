// The group resources' public surface (the package root re-exports it as is).
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

import serializedGroupProvider = require("./serialized-provider");
import serializedGroupMembersProvider = require("./serialized-members-provider");
import serializedGroupMembershipProvider = require("./serialized-membership-provider");

export { serializedGroupMembershipProvider, serializedGroupMembersProvider, serializedGroupProvider };
