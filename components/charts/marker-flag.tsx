import type { OperationMarker } from "@/lib/domain/snapshot";
import { formatClock } from "@/components/format/format";

interface MarkerFlagProps {
  marker: OperationMarker;
  color: string;
  viewBox?: { x?: number; y?: number };
}

/** Height of the flag above the plot: the chart keeps this much margin at its top. */
export const FLAG_HEIGHT = 12;

/** Marker text for the native SVG tooltip: who, what, why, when. */
export function markerTitle(marker: OperationMarker): string {
  const why = marker.reason ? ` — “${marker.reason}”` : "";
  return `${marker.summary} (${marker.status}) by ${marker.actor} at ${formatClock(marker.at)}${why}`;
}

/**
 * A small flag on the operation's marker line, drawn ABOVE the plot (in the chart's top margin), so
 * it never covers a data point, the newest ones included; hovering it shows who, what and why.
 */
export function MarkerFlag({ marker, color, viewBox }: MarkerFlagProps) {
  const x = viewBox?.x ?? 0;
  const y = (viewBox?.y ?? FLAG_HEIGHT) - FLAG_HEIGHT;
  return (
    <g transform={`translate(${x}, ${y})`} style={{ cursor: "help" }} data-marker-flag={marker.id}>
      <title>{markerTitle(marker)}</title>
      <path d={`M0 0 L0 ${FLAG_HEIGHT} M0 0 L7 3 L0 6 Z`} fill={color} stroke={color} strokeWidth={1} />
      <rect x={-5} y={-1} width={15} height={FLAG_HEIGHT + 1} fill="transparent" />
    </g>
  );
}
