/** Teal's mark: a circle (blue) and a diamond (green) sharing one teal square. */
export function LogoMark({ className = "size-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="7" className="fill-teal-700 dark:fill-teal-600" />
      <circle cx="12" cy="16" r="5.5" fill="white" />
      <path d="M21.5 9.5 28 16l-6.5 6.5L15 16Z" fill="white" fillOpacity="0.72" />
    </svg>
  );
}
