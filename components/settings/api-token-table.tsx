import type { ApiTokenInfo } from "@/lib/domain/api-token";
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/history/format-utc";
import { RevokeApiTokenButton } from "./revoke-api-token-button";

function status(t: ApiTokenInfo, nowIso: string) {
  if (t.revokedAt) {
    return (
      <Badge tone="neutral">
        <span aria-hidden="true">■</span>Revoked {formatUtc(t.revokedAt)}
      </Badge>
    );
  }
  if (t.expiresAt <= nowIso) {
    return (
      <Badge tone="neutral">
        <span aria-hidden="true">■</span>Expired
      </Badge>
    );
  }
  return (
    <Badge tone="success">
      <span aria-hidden="true">✓</span>Active
    </Badge>
  );
}

/** Every API token with its role, applications, creator, expiry and last use; live ones can be revoked. */
export function ApiTokenTable({ tokens, nowIso }: { tokens: readonly ApiTokenInfo[]; nowIso: string }) {
  if (tokens.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No API tokens yet.</p>;
  return (
    <table className="w-full table-fixed text-left text-sm">
      <caption className="sr-only">API tokens</caption>
      <thead className="text-xs text-slate-500 dark:text-slate-400">
        <tr className="border-b border-slate-200 dark:border-slate-800">
          <th scope="col" className="py-2 font-medium">
            Name
          </th>
          <th scope="col" className="w-24 py-2 font-medium">
            Role
          </th>
          <th scope="col" className="w-40 py-2 font-medium">
            Applications
          </th>
          <th scope="col" className="w-44 py-2 font-medium">
            Created by
          </th>
          <th scope="col" className="w-40 py-2 font-medium">
            Expires
          </th>
          <th scope="col" className="w-40 py-2 font-medium">
            Last used
          </th>
          <th scope="col" className="w-40 py-2 font-medium">
            Status
          </th>
          <th scope="col" className="w-24 py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
        {tokens.map((t) => (
          <tr key={t.id}>
            <td className="truncate py-2 font-medium text-slate-900 dark:text-slate-100">{t.name}</td>
            <td className="py-2 text-slate-700 dark:text-slate-300">{t.role}</td>
            <td className="truncate py-2 font-mono text-xs text-slate-700 dark:text-slate-300">{t.apps ? t.apps.join(", ") : "all"}</td>
            <td className="truncate py-2 text-slate-700 dark:text-slate-300">{t.createdBy.email}</td>
            <td className="py-2 text-xs text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(t.expiresAt)}</td>
            <td className="py-2 text-xs text-slate-600 tabular-nums dark:text-slate-400">{t.lastUsedAt ? formatUtc(t.lastUsedAt) : "Never"}</td>
            <td className="py-2 text-xs">{status(t, nowIso)}</td>
            <td className="py-2 text-right">{t.revokedAt ? null : <RevokeApiTokenButton tokenId={t.id} name={t.name} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
