import type { WallAlarm } from "@/lib/domain/wall";

const LOOK = {
  critical: { box: "bg-rose-700 text-white", icon: "✕", word: "Alarm" },
  warning: { box: "bg-amber-300 text-slate-950", icon: "!", word: "Warning" },
} as const;

/** Alarms as solid blocks with a glyph and a word, so they read without colour and from afar. */
export function WallAlarmList({ alarms }: { alarms: readonly WallAlarm[] }) {
  if (alarms.length === 0) return null;
  return (
    <ul className="space-y-1.5" aria-label="Alarms">
      {alarms.map((alarm) => {
        const look = LOOK[alarm.severity];
        return (
          <li key={alarm.id} className={`flex items-start gap-2 rounded-lg px-3 py-1.5 text-xl leading-snug font-semibold ${look.box}`}>
            <span aria-hidden="true" className="font-black">
              {look.icon}
            </span>
            <span className="min-w-0">
              <span className="sr-only">{look.word}: </span>
              {alarm.text}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
