/**
 * The DomoUser type token, apart from the resource class so tools that read state (recover)
 * need not load @pulumi/pulumi. Changing it would replace every user in every stack: never do.
 */
// @ts-nocheck

export const domoUserType = "pulumi-nodejs:dynamic/domo:User";
