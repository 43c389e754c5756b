/** Keyboard model of the green-traffic slider (WAI-ARIA slider pattern). */
export const SLIDER_MIN = 0;
export const SLIDER_MAX = 100;
export const SLIDER_PRESETS: readonly number[] = [0, 10, 25, 50, 100];

export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return SLIDER_MIN;
  return Math.min(SLIDER_MAX, Math.max(SLIDER_MIN, Math.round(value)));
}

/** The value a key moves the slider to, or null when the key does not move it. */
export function valueForKey(key: string, value: number): number | null {
  switch (key) {
    case "ArrowRight":
    case "ArrowUp":
      return clampPercent(value + 1);
    case "ArrowLeft":
    case "ArrowDown":
      return clampPercent(value - 1);
    case "PageUp":
      return clampPercent(value + 10);
    case "PageDown":
      return clampPercent(value - 10);
    case "Home":
      return SLIDER_MIN;
    case "End":
      return SLIDER_MAX;
    default:
      return null;
  }
}

/** Percentage under a pointer at `clientX` on a track spanning [left, left + width]. */
export function valueAtPointer(clientX: number, left: number, width: number): number {
  if (!(width > 0)) return SLIDER_MIN;
  return clampPercent(((clientX - left) / width) * 100);
}

/** "25 % green, 75 % blue" — what a screen reader announces for the slider. */
export function sliderValueText(greenPercent: number): string {
  const g = clampPercent(greenPercent);
  return `${g} % green, ${100 - g} % blue`;
}
