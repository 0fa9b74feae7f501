import assert from "node:assert/strict";
import { summariseState } from "../../bench/lib/project";
import { providerComparisons, renderMarkdown } from "../../bench/lib/report";
import { dynamicProviderMatcher, nativeProviderMatcher } from "../../bench/lib/sampler";
import { type PhaseResult, pulumiPhases, type RunResult, type RunSpec, runId } from "../../bench/lib/types";

/** The bench's provider dimension (issue #22), without running the bench. */
describe("bench: native runs beside the dynamic ones", () => {
  it("names native runs native-<mode>-<backend>-<n>", () => {
    assert.equal(
      runId({ mode: "bulk", backend: "file", n: 10000, provider: "native" }),
      "native-bulk-file-10000",
    );
    assert.equal(runId({ mode: "perUser", backend: "file", n: 1000 }), "perUser-file-1000");
  });

  it("samples the plugin process, installed or from a clone, and not the dynamic provider", () => {
    const installed = ["/home/u/.pulumi/plugins/resource-domo-v0.1.0/pulumi-resource-domo", "127.0.0.1:4000"];
    const clone = ["/usr/bin/node", "/repo/plugin/../dist/native/main.js", "127.0.0.1:4000"];
    const dynamic = ["/usr/bin/node", "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "x"];
    assert.ok(nativeProviderMatcher.matches(installed));
    assert.ok(nativeProviderMatcher.matches(clone));
    assert.ok(!nativeProviderMatcher.matches(dynamic));
    assert.ok(!dynamicProviderMatcher.matches(installed));
  });

  it("counts the native provider's users in state: User resources and UserBatch outputs", () => {
    const state = (resources: object[]) => JSON.stringify({ checkpoint: { latest: { resources } } });
    const perUser = summariseState(
      state([
        { type: "domo:index:User", outputs: { email: "a@example.com" } },
        { type: "domo:index:User", outputs: { email: "b@example.com" } },
      ]),
    );
    assert.deepEqual([perUser.resources, perUser.users, perUser.distinctUsers], [2, 2, 2]);
    const bulk = summariseState(
      state([
        { type: "domo:index:UserDirectory" },
        { type: "domo:index:UserBatch", outputs: { users: { "a@example.com": {}, "b@example.com": {} } } },
        { type: "domo:index:DirectoryDeletionGuard" },
      ]),
    );
    assert.deepEqual([bulk.resources, bulk.users, bulk.providerBytesTotal], [1, 2, 0]);
  });

  it("compares each native phase with the dynamic one and flags a slower phase and RSS over 300 MiB", () => {
    const phase = (id: PhaseResult["id"], wallSeconds: number, rss: number): PhaseResult => ({
      id,
      label: id,
      kind: "pulumi",
      calls: {},
      totalCalls: 0,
      status429: 0,
      unretried429: 0,
      wallSeconds,
      loadAverage: 0,
      apiSpanSeconds: 0,
      apiRate: 0,
      floorSeconds: null,
      floorRatio: null,
      engineSeconds: wallSeconds,
      providerPeakRssBytes: rss * 1024 * 1024,
      cliPeakRssBytes: null,
      providerProcesses: 1,
      state: null,
      targets: [],
      checks: [],
    });
    const run = (spec: RunSpec, wall: (id: string) => number, rss: number): RunResult => ({
      id: runId(spec),
      spec,
      n: spec.n,
      backendUrl: "file://",
      notSlower: [],
      phases: pulumiPhases.map((id) => phase(id, wall(id), rss)),
      comparisons: [],
      fixedOverheadSeconds: null,
      observations: [],
    });
    const spec: RunSpec = { mode: "bulk", backend: "file", n: 10000, rate: 100, latencyMs: 50 };
    const dynamic = run(spec, () => 10, 500);
    const native = run({ ...spec, provider: "native" }, (id) => (id === "refresh" ? 20 : 9), 320);
    const [pair] = providerComparisons([dynamic, native]);
    assert.ok(pair);
    assert.equal(pair.phases.length, pulumiPhases.length);
    assert.deepEqual(
      pair.phases.filter((c) => !c.notSlower).map((c) => c.phase),
      ["refresh"],
    );
    const md = renderMarkdown({
      generatedAt: "",
      command: "",
      totalSeconds: 0,
      machine: { nproc: 2, cpuModel: "x", memoryBytes: 0, platform: "linux", kernel: "" },
      versions: { node: "", pulumiCli: "", pulumiNodejsSdk: "" },
      settings: {
        clientMaxConcurrency: 8,
        listingTtlMs: 0,
        parallel: { value: 8, flags: [], statement: "" },
        effectiveParallel: 8,
        s3Server: null,
        before: null,
      },
      floorFormula: "",
      throughput: null,
      runs: [dynamic, native],
      skipped: [],
      largestGap: null,
    } as unknown as Parameters<typeof renderMarkdown>[0]);
    assert.match(md, /## Native provider vs dynamic resources/);
    assert.match(md, /Slower in: refresh/);
    assert.match(md, /OVER the limit/);
  });
});
