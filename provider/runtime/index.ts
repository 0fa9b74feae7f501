/**
 * The runtime: what one `pulumi` run shares across every resource kind in its provider
 * process (one client, one ledger; see run.ts). Resources build on it; it knows no resource.
 */
export { type Claim as GroupClaim, claimVerb, GroupClaims, kindOf } from "./group-claims";
export { type ConfigGet, ProviderRun, resetSharedRun, sharedRun } from "./run";
export { type Claim, type DirectoryDeclaration, UserLedger } from "./user-ledger";
