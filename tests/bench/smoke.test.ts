import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { BenchResults } from "../../bench/lib/report";
import { phaseLabels, pulumiPhases } from "../../bench/lib/types";
import { providerText } from "../../provider/resources/dynamic-resource";
import { repoRoot } from "../../scripts/lib/pulumi-cli";
import { makeTempDir } from "../support/temp";

/**
 * A small run of the benchmark script (`npm run bench` is not part of the test command):
 * N = 10, no latency, tiny baselines, results to a temp dir (never the committed files).
 */
describe("bench smoke run", function () {
  this.timeout(180_000);
  let results: BenchResults;
  let markdown: string;

  before(async () => {
    const out = makeTempDir("pulumi-domo-bench-");
    const tsx = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
    const args = [tsx, "bench/run.ts", "--sizes", "10", "--latency", "0", "--no-throughput", "--out", out];
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c ?? 1, stderr: err }));
    });
    assert.equal(code, 0, `bench failed:\n${stderr}`);
    results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as BenchResults;
    markdown = fs.readFileSync(path.join(out, "results.md"), "utf8");
  });

  it("reports every phase for N = 10, none failed", () => {
    assert.equal(results.runs.length, 1);
    const run = results.runs[0];
    assert.ok(run);
    assert.equal(run.n, 10);
    assert.equal(run.error, undefined);
    assert.deepEqual(
      run.phases.filter((p) => p.kind === "pulumi").map((p) => p.id),
      [...pulumiPhases],
    );
    for (const id of pulumiPhases) assert.ok(markdown.includes(phaseLabels[id]), `results.md lacks ${id}`);
    for (const p of run.phases) {
      assert.equal(p.error, undefined, `${p.id}: ${p.error}`);
      const failed = p.checks.filter((c) => !c.ok);
      assert.deepEqual(failed, [], `${p.id} checks failed`);
    }
  });

  it("preview and a no-change up make no API call", () => {
    const run = results.runs[0];
    for (const id of ["preview-nochange", "up-nochange"] as const) {
      const phase = run?.phases.find((p) => p.id === id);
      assert.ok(phase, id);
      assert.equal(phase.totalCalls, 0, `${id}: ${JSON.stringify(phase.calls)}`);
      assert.deepEqual(phase.calls, {});
    }
  });

  it("measures what the report promises: RSS, state, __provider, targets", () => {
    const run = results.runs[0];
    const create = run?.phases.find((p) => p.id === "up-create");
    assert.ok(create?.state);
    assert.equal(create.state.resources, 10);
    // Each DomoUser's `__provider` is the one-line text of its kind.
    assert.equal(create.state.providerBytesPerResource, providerText("User").length);
    assert.ok((create.providerPeakRssBytes ?? 0) > 10 * 1024 * 1024, "provider RSS sampled");
    assert.ok(create.targets.some((t) => t.kind === "wall"));
    assert.equal(create.calls["POST /v1/users"], 10);
    assert.ok(run?.phases.find((p) => p.id === "refresh")?.targets.every((t) => t.met));
    assert.match(markdown, /\| first `pulumi up` \(create N\) \|/);
  });
});
