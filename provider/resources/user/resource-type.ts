import { dynamicType } from "../type-tokens";

/**
 * The DomoUser type token, apart from the resource class so tools that read state (recover)
 * need not load @pulumi/pulumi. Changing it would replace every user in every stack: never do.
 */
export const domoUserType = dynamicType("User");

/** The DomoUserBatch type token (bulk mode), for the same reason; never change it either. */
export const domoUserBatchType = dynamicType("UserBatch");
