import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/**
 * axe on a page, asked for its violations only: the specs assert on nothing else, and axe then
 * skips collecting the nodes of every passed and inapplicable check (about 0.3 CPU-seconds of the
 * browser per scan on a dialog; BENCHMARKS.md, "How long `npm test` takes"). Every rule still runs.
 */
export function axe(page: Page): AxeBuilder {
  return new AxeBuilder({ page }).options({ resultTypes: ["violations"] });
}
