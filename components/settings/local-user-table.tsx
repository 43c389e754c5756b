import type { LocalUserInfo } from "@/lib/domain/local-user";
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/history/format-utc";

/** Every local user with their role, creator and state. */
export function LocalUserTable({ users }: { users: readonly LocalUserInfo[] }) {
  if (users.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No local users yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Local users</caption>
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="py-2 pr-3 font-medium">
              Email
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Role
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Created
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Created by
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Status
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800/60">
              <td className="py-2 pr-3 font-mono text-xs">{u.email}</td>
              <td className="py-2 pr-3">{u.role}</td>
              <td className="py-2 pr-3 text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(u.createdAt)}</td>
              <td className="py-2 pr-3 text-slate-600 dark:text-slate-400">{u.createdBy.email}</td>
              <td className="py-2 pr-3">
                {u.disabledAt ? (
                  <Badge tone="neutral">
                    <span aria-hidden="true">■</span>Disabled
                  </Badge>
                ) : (
                  <Badge tone="success">
                    <span aria-hidden="true">✓</span>Active
                  </Badge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
