import { describe, expect, it } from "vitest";
import { orderDeployments, rolloutLook, splitRating } from "./ecs-look";

describe("rolloutLook", () => {
  it("maps the ECS rollout states to a label and a glyph", () => {
    expect(rolloutLook("COMPLETED")).toMatchObject({ label: "Completed", icon: "✓", tone: "success" });
    expect(rolloutLook("FAILED")).toMatchObject({ label: "Failed", tone: "danger" });
    expect(rolloutLook("IN_PROGRESS").tone).toBe("info");
  });
  it("says when ECS reports nothing, and shows an unknown state as is", () => {
    expect(rolloutLook(null).label).toBe("Not reported");
    expect(rolloutLook("PAUSED")).toMatchObject({ label: "PAUSED", tone: "neutral" });
  });
});

describe("orderDeployments", () => {
  it("puts PRIMARY first, then ACTIVE, then INACTIVE, newest first within a status", () => {
    const ordered = orderDeployments([
      { id: "a", status: "INACTIVE", createdAt: "2024-01-03T00:00:00Z" },
      { id: "b", status: "ACTIVE", createdAt: "2024-01-01T00:00:00Z" },
      { id: "c", status: "ACTIVE", createdAt: "2024-01-02T00:00:00Z" },
      { id: "d", status: "PRIMARY", createdAt: "2024-01-04T00:00:00Z" },
    ]);
    expect(ordered.map((d) => d.id)).toEqual(["d", "c", "b", "a"]);
  });
});

describe("splitRating", () => {
  it("separates the rating from the explanation", () => {
    expect(splitRating("Good: one load balancer.")).toEqual({ rating: "Good", detail: "one load balancer." });
    expect(splitRating("Good until promote: old instances leave Standby.")).toEqual({
      rating: "Good",
      detail: "Until promote: old instances leave Standby.",
    });
  });
  it("keeps text without a rating whole", () => {
    expect(splitRating("Depends on the load balancer.")).toEqual({ rating: null, detail: "Depends on the load balancer." });
  });
});
