import type { ReactNode } from "react";
import { TONE_CLASSES, type Tone } from "@/components/operation/operation-status";

interface BadgeProps {
  tone?: Tone;
  children: ReactNode;
  className?: string;
}

/** A small status or label chip. */
export function Badge({ tone = "neutral", children, className = "" }: BadgeProps) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap ${TONE_CLASSES[tone]} ${className}`}
    >
      {children}
    </span>
  );
}
