import { dynamicType } from "../type-tokens";

/**
 * The directory's type tokens, apart from the component so tools that read state (recover)
 * need not load @pulumi/pulumi. Changing one changes URNs in every stack: never do.
 */

/** The component. Changing it changes every child's URN. */
export const domoUserDirectoryType = "domo:index:UserDirectory";

/** A directory's deletion guard (see deletion-guard-provider.ts). */
export const deletionGuardType = dynamicType("DirectoryDeletionGuard");
