import { describe, expect, it } from "vitest";
import { revisionSuffix, rollbackButtonLabel, rollbackChoices } from "./rollback-label";

describe("rollbackButtonLabel", () => {
  it("goes back to blue for traffic patterns", () => {
    expect(rollbackButtonLabel(undefined)).toBe("Roll back to blue");
  });
  it("names the revision that served before the current deployment", () => {
    expect(rollbackButtonLabel({ target: "notifications:41", primary: "notifications:42", revisions: [] })).toBe("Roll back to :41");
  });
  it("asks for the revision when the one before is unknown, instead of guessing the previous number", () => {
    expect(rollbackButtonLabel({ target: null, primary: "notifications:42", revisions: ["notifications:42", "notifications:41"] })).toBe(
      "Roll back to…",
    );
  });
});

describe("revisionSuffix and rollbackChoices", () => {
  it("shortens family:revision to :revision", () => {
    expect(revisionSuffix("notifications:41")).toBe(":41");
    expect(revisionSuffix("notifications")).toBe("notifications");
  });
  it("offers every ACTIVE revision but the current one", () => {
    expect(rollbackChoices({ target: null, primary: "n:42", revisions: ["n:43", "n:42", "n:41"] })).toEqual(["n:43", "n:41"]);
  });
});

describe("rollbackButtonLabel before AWS answers", () => {
  it("says a generic Roll back… for a rolling update whose revisions are not read yet", () => {
    expect(rollbackButtonLabel(undefined, true)).toBe("Roll back…");
  });
  it("names the revision once it is read, even if it was pending before", () => {
    expect(rollbackButtonLabel({ target: "notifications:41", primary: "notifications:42", revisions: [] }, true)).toBe("Roll back to :41");
  });
});
