// @ts-nocheck
// Mocha's spec output, followed by a final `N passed, N failed[, N skipped]` line.
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      const skipped = s.pending ? `, ${s.pending} skipped` : "";
      // Printed after the spec epilogue so it is the last line of the run.
      process.nextTick(() => console.log(`${s.passes} passed, ${s.failures} failed${skipped}`));
    });
  }
}
module.exports = SummaryReporter;
