// @ts-nocheck
import type { CheckResult, CreateResult, DiffResult, PropertyMap, UpdateResult } from "../user/runtime";

type Rules = typeof import("../../model/deletion-guard");

/**
 * The provider of a directory's deletion guard: a resource that remembers which accounts the
 * directory would delete if their entries went, and whose `check` (so `pulumi preview`, with
 * no call to Domo) fails when a run would delete too many of them. It never talks to Domo.
 *
 * Like the DomoUser provider, this module's whole exports is the object Pulumi serializes:
 * installed from npm it is one `require` of this file; the rules load by package path.
 */
const deletionGuardProvider = {
  rules(): Rules {
    return require("pulumi-domo/dist/model/deletion-guard.js") as Rules;
  },
  async check(olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const previous = emails(olds.accounts);
    const next = emails(news.accounts);
    const policy = {
      allowMassDeletion: news.allowMassDeletion === true,
      maxDeletes: typeof news.maxDeletes === "number" ? news.maxDeletes : undefined,
    };
    const verdict = this.rules().judgeRemovals(previous, next, policy);
    if (!verdict.refused) return { inputs: news };
    const directory = typeof news.directory === "string" ? news.directory : "The users directory";
    return {
      failures: [
        {
          property: "allowMassDeletion",
          reason: this.rules().massDeletionMessage(directory, previous.length, verdict.removed),
        },
      ],
    };
  },
  async diff(_id: string, olds: PropertyMap, news: PropertyMap): Promise<DiffResult> {
    const same = ["accounts", "allowMassDeletion", "maxDeletes", "directory"].every(
      (k) => JSON.stringify(olds[k]) === JSON.stringify(news[k]),
    );
    return { changes: !same, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: PropertyMap): Promise<CreateResult> {
    return { id: "deletion-guard", outs: inputs };
  },
  async update(_id: string, _olds: PropertyMap, news: PropertyMap): Promise<UpdateResult> {
    return { outs: news };
  },
  async delete(): Promise<void> {},
};

function emails(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export = deletionGuardProvider;
