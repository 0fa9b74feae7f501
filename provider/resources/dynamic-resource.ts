import path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export { type DynamicKind, dynamicKinds, dynamicType } from "./type-tokens";

/** A state's known keys (its schema is loose: the index signature is not an output). */
type Known<T> = { [K in keyof T as string extends K ? never : K]-?: T[K] };
/**
 * A resource's outputs, typed from its state schema: the model is their one source. `Except`
 * names outputs the resource class types itself (say, from its id, or a setting's default).
 */
export type OutputsOf<T, Except extends keyof Known<T> = never> = {
  readonly [K in Exclude<keyof Known<T>, Except>]: pulumi.Output<Known<T>[K]>;
};

import { type DynamicKind, dynamicKinds, dynamicType } from "./type-tokens";

/**
 * The `__provider` text of a kind: a module whose `handler` returns the provider object, the
 * contract of Pulumi's dynamic-provider host (it loads the text with require-from-string from
 * the project directory and calls `handler()`). pulumi.dynamic.Resource would serialize the
 * provider with the closure serializer instead: ~310 bytes installed from npm, ~2.9 KB when
 * serialized by value, kept twice per resource (inputs and outputs) in a checkpoint the DIY
 * backends rewrite after every step. This is ~70 bytes and the same wherever the package lives.
 * Older texts in existing state keep working: the modules they require stay in the package.
 */
export function providerText(kind: DynamicKind): string {
  return `exports.handler=()=>require(${JSON.stringify(dynamicKinds[kind])});`;
}

/**
 * The SDK's folder, whose frames the stack trimming below recognises. None inside the native
 * plugin's single executable: its `require` has no `resolve`, every module is in one bundle,
 * and the children it registers are not these classes (no program stack to trim there).
 */
const sdkRoot =
  typeof require.resolve === "function"
    ? path.dirname(require.resolve("@pulumi/pulumi/package.json"))
    : undefined;

const within = (root: string | undefined, file: string | null | undefined) =>
  root !== undefined && typeof file === "string" && (file === root || file.startsWith(root + path.sep));

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

function defaultStackText(error: Error, frames: NodeJS.CallSite[]): string {
  return [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${f.toString()}`)].join("\n");
}

/**
 * The SDK records, with every resource, the whole JavaScript stack at its construction (every
 * frame of Pulumi's own program runner included: ~400 bytes per resource in the checkpoint, and
 * still ~105 bytes when cut to the one line of the program that declared it). Only Pulumi
 * Cloud's console shows it; the DIY backends, whose checkpoint this cost is paid in N times per
 * `up`, show it nowhere. While one of our constructors runs, its stack walk (Resource.callsites,
 * the only stack read there) sees the SDK's own frames and the one subclass frame the SDK
 * expects and skips, and nothing else: the state records no stack. Any other stack read
 * meanwhile is untouched.
 */
function withoutStack(previous: PrepareStackTrace | undefined): PrepareStackTrace {
  return (error, frames) => {
    let kept = frames;
    if (frames[0]?.getFunctionName() === "callsites" && within(sdkRoot, frames[0].getFileName())) {
      let sdkFrames = 0;
      while (sdkFrames < frames.length && within(sdkRoot, frames[sdkFrames]?.getFileName())) sdkFrames++;
      // ...and the frame the SDK skips as "the concrete subclass constructor".
      kept = frames.slice(0, sdkFrames + 1);
    }
    return previous ? previous(error, kept) : defaultStackText(error, kept);
  };
}

/**
 * A dynamic resource of this package (what pulumi.dynamic.Resource does, with a one-line
 * `__provider` and no stack: see providerText and withoutStack).
 */
export abstract class DomoDynamicResource extends pulumi.CustomResource {
  constructor(
    kind: DynamicKind,
    name: string,
    props: Record<string, unknown>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    if ("__provider" in props) throw new Error("a dynamic resource must not declare __provider");
    const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
    Error.prepareStackTrace = withoutStack(previous);
    try {
      super(dynamicType(kind), name, { ...props, __provider: providerText(kind) }, opts);
    } finally {
      if (previous) Error.prepareStackTrace = previous;
      else Reflect.deleteProperty(Error, "prepareStackTrace");
    }
  }
}
