import type { OperationMarker } from "@/lib/domain/types";
import { formatClock } from "@/components/format/format";

interface MarkerFlagProps {
  marker: OperationMarker;
  color: string;
  viewBox?: { x?: number; y?: number };
}

/** Marker text for the native SVG tooltip: who, what, why, when. */
export function markerTitle(marker: OperationMarker): string {
  const why = marker.reason ? ` — “${marker.reason}”` : "";
  return `${marker.summary} (${marker.status}) by ${marker.actor} at ${formatClock(marker.at)}${why}`;
}

/** A small flag at the top of an operation marker line; hovering it shows who, what and why. */
export function MarkerFlag({ marker, color, viewBox }: MarkerFlagProps) {
  const x = viewBox?.x ?? 0;
  const y = viewBox?.y ?? 0;
  return (
    <g transform={`translate(${x}, ${y})`} style={{ cursor: "help" }}>
      <title>{markerTitle(marker)}</title>
      <path d="M0 0 L0 10 M0 0 L8 3 L0 6 Z" fill={color} stroke={color} strokeWidth={1} />
      <rect x={-5} y={-2} width={16} height={14} fill="transparent" />
    </g>
  );
}
