import type { Color } from "@/lib/domain/basics";

/** Blue is a circle, green a diamond: the two environments are never told apart by colour alone. */
export const COLOR_SHAPE: Record<Color, string> = { blue: "●", green: "◆" };
export const COLOR_NAME: Record<Color, string> = { blue: "Blue", green: "Green" };

export const COLOR_TEXT: Record<Color, string> = {
  blue: "text-blueenv dark:text-blue-400",
  green: "text-greenenv dark:text-emerald-400",
};

interface ColorShapeProps {
  color: Color;
  className?: string;
}

/** The shape glyph of an environment, decorative (the name is always next to it). */
export function ColorShape({ color, className = "" }: ColorShapeProps) {
  return (
    <span aria-hidden="true" className={`${COLOR_TEXT[color]} leading-none ${className}`}>
      {COLOR_SHAPE[color]}
    </span>
  );
}
