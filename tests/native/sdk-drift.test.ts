import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { schemaJson } from "../../provider/native/schema";
import { generate, generatedFiles, type Language, packageVersion, sdkDir } from "../../scripts/gen-sdks";

/**
 * The checked-in SDKs (sdk/) match the schema the model gives today. The schema check is
 * instant. The regeneration covers nodejs, python and go (a second or two each once the
 * generator is built): the languages whose generator is the Pulumi CLI's own v3.276.0 code;
 * dotnet's generator is a second Go module on an older pkg/v3 (a cold build of each takes
 * minutes) and its output only changes with the schema, which the first check pins.
 */
describe("native provider: the checked-in SDKs match the schema (sdk/)", function () {
  this.timeout(15 * 60_000);

  it("sdk/schema.json is packageSchema's JSON (run `npm run gen:sdks` after changing the model)", () => {
    const checkedIn = fs.readFileSync(path.join(sdkDir, "schema.json"), "utf8");
    assert.equal(checkedIn, schemaJson(packageVersion()), "sdk/schema.json is stale: run `npm run gen:sdks`");
  });

  const haveGo = (() => {
    try {
      execFileSync("go", ["version"], {
        env: { ...process.env, PATH: `/usr/local/go/bin:${process.env.PATH}` },
        stdio: "ignore",
      });
      return true;
    } catch {
      return false;
    }
  })();

  for (const language of ["nodejs", "python", "go"] as Language[]) {
    it(`sdk/${language} is what the generator writes from that schema`, function () {
      if (!haveGo) this.skip();
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `sdk-drift-${language}-`));
      try {
        const schemaPath = path.join(tmp, "schema.json");
        fs.writeFileSync(schemaPath, schemaJson(packageVersion()));
        const out = path.join(tmp, language);
        generate(language, schemaPath, out);
        const fresh = generatedFiles(out);
        const kept = generatedFiles(path.join(sdkDir, language));
        assert.deepEqual(
          kept,
          fresh,
          `sdk/${language} has other files than the generator writes: run \`npm run gen:sdks\``,
        );
        for (const f of fresh) {
          assert.equal(
            fs.readFileSync(path.join(sdkDir, language, f), "utf8"),
            fs.readFileSync(path.join(out, f), "utf8"),
            `sdk/${language}/${f} differs from the generated one: run \`npm run gen:sdks\``,
          );
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
