import { windowLabel, type GreenVerdict, type GreenVerdictStatus } from "@/lib/domain/green-verdict";
import type { Tone } from "@/components/operation/operation-status";
import { splitRating } from "@/components/ecs/ecs-look";

/** State colours mean status: red failing, amber slower, green-ish OK, neutral when nothing is known. */
export const VERDICT_LOOK: Record<GreenVerdictStatus, { tone: Tone; icon: string }> = {
  failing: { tone: "danger", icon: "✕" },
  slower: { tone: "warning", icon: "!" },
  ok: { tone: "success", icon: "✓" },
  insufficient: { tone: "neutral", icon: "…" },
  unavailable: { tone: "neutral", icon: "–" },
};

/** "Green failing: green 5xx 29.8 % vs blue 0.4 % (last 5 min)"; the label alone when there are no figures. */
export function verdictSentence(v: GreenVerdict): string {
  const window = windowLabel(v);
  if (!v.figures) return v.label;
  return `${v.label}: ${v.figures}${window ? ` (${window})` : ""}`;
}

/**
 * The risk review's "Application issues" row: what green is doing now, when Teal can tell, before
 * what the pattern offers in general. A "Good: …" / "Fair: …" / "Poor: …" text as the pattern
 * descriptions use, or no rating at all when green cannot be judged (yet).
 */
export function applicationIssuesRisk(patternText: string, verdict: GreenVerdict | null | undefined): string {
  const { detail } = splitRating(patternText);
  if (!verdict) return patternText;
  switch (verdict.status) {
    case "failing":
      return `Poor: ${verdictSentence(verdict)}. ${verdict.detail} Roll back, or fix green before it gets more traffic.`;
    case "slower":
      return `Fair: ${verdictSentence(verdict)}. ${verdict.detail}`;
    case "ok":
      return `Good: ${verdictSentence(verdict)}. ${detail}`;
    case "insufficient":
      return `Not judged yet: ${verdict.label.toLowerCase()} (${verdict.figures}, ${windowLabel(verdict)}). ${detail}`;
    case "unavailable":
      return `Not judged: ${verdict.detail} ${detail}`;
  }
}
