import { TONE_CLASSES, type StatusLook } from "./operation-status";

/** A round status glyph with its label for screen readers; the running state spins. */
export function StatusIcon({ look, spinning = false }: { look: StatusLook; spinning?: boolean }) {
  return (
    <span
      title={look.label}
      className={`inline-flex size-5 shrink-0 items-center justify-center rounded-full text-[11px] font-bold ring-1 ring-inset ${TONE_CLASSES[look.tone]}`}
    >
      <span aria-hidden="true" className={spinning ? "inline-block motion-safe:animate-spin" : undefined}>
        {look.icon}
      </span>
      <span className="sr-only">{look.label}</span>
    </span>
  );
}
