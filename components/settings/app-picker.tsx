"use client";

/**
 * The applications a credential or a webhook is limited to, as ticks; none ticked means every
 * application (the forms say so in the legend).
 */
export function AppPicker({
  appIds,
  selected,
  onChange,
  legendClassName,
}: {
  appIds: readonly string[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  legendClassName: string;
}) {
  return (
    <fieldset>
      <legend className={legendClassName}>Applications (none ticked: every application)</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {appIds.map((id) => (
          <label key={id} className="flex items-center gap-1.5">
            <input
              type="checkbox"
              checked={selected.includes(id)}
              onChange={(e) => onChange(e.target.checked ? [...selected, id] : selected.filter((a) => a !== id))}
            />
            <span className="font-mono text-xs">{id}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
