import type { SessionInfo } from "@/lib/domain/session";
import { formatUtc } from "@/components/history/format-utc";
import { RevokeSessionsButton } from "./revoke-sessions-button";

/** Live sign-in sessions grouped by user, each user's sessions revocable at once. */
export function SessionTable({ sessions, selfId }: { sessions: readonly SessionInfo[]; selfId: string }) {
  if (sessions.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">Nobody is signed in.</p>;
  const users = new Map<string, SessionInfo[]>();
  for (const s of sessions) users.set(s.userId, [...(users.get(s.userId) ?? []), s]);
  return (
    <table className="w-full table-fixed text-left text-sm">
      <caption className="sr-only">Signed-in users</caption>
      <thead className="text-xs text-slate-500 dark:text-slate-400">
        <tr className="border-b border-slate-200 dark:border-slate-800">
          <th scope="col" className="py-2 font-medium">
            User
          </th>
          <th scope="col" className="w-32 py-2 font-medium">
            Role at sign-in
          </th>
          <th scope="col" className="w-24 py-2 font-medium">
            Sessions
          </th>
          <th scope="col" className="w-48 py-2 font-medium">
            Latest sign-in
          </th>
          <th scope="col" className="w-40 py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
        {[...users.entries()].map(([userId, list]) => (
          <tr key={userId}>
            <td className="truncate py-2 font-medium text-slate-900 dark:text-slate-100">{list[0]?.email ?? userId}</td>
            <td className="py-2 text-slate-700 dark:text-slate-300">{list[0]?.role}</td>
            <td className="py-2 tabular-nums text-slate-700 dark:text-slate-300">{list.length}</td>
            <td className="py-2 text-xs text-slate-600 tabular-nums dark:text-slate-400">{list[0] ? formatUtc(list[0].createdAt) : ""}</td>
            <td className="py-2 text-right">
              <RevokeSessionsButton userId={userId} email={list[0]?.email ?? userId} self={userId === selfId} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
