/** Chart period in seconds for a range in minutes: 1-minute points up to 3 h, 5-minute points beyond. */
export function periodFor(rangeMinutes: number): number {
  return rangeMinutes <= 180 ? 60 : 300;
}
