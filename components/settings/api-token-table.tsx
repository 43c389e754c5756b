import type { ApiTokenInfo } from "@/lib/domain/api-token";
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/history/format-utc";
import { RevokeApiTokenButton } from "./revoke-api-token-button";

function status(t: ApiTokenInfo, nowIso: string) {
  if (t.revokedAt) {
    return (
      <span className="flex flex-col items-start gap-0.5">
        <Badge tone="neutral">
          <span aria-hidden="true">■</span>Revoked
        </Badge>
        <span className="text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(t.revokedAt)}</span>
      </span>
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
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">API tokens</caption>
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="py-2 pr-3 font-medium">
              Name
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Role
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Applications
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Created by
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Expires
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Last used
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              Status
            </th>
            <th scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800/70">
          {tokens.map((t) => (
            <tr key={t.id}>
              <td className="py-2 pr-3 font-medium break-all text-slate-900 dark:text-slate-100">{t.name}</td>
              <td className="py-2 pr-3 text-slate-700 dark:text-slate-300">{t.role}</td>
              <td className="py-2 pr-3 font-mono text-xs text-slate-700 dark:text-slate-300">{t.apps ? t.apps.join(", ") : "all"}</td>
              <td className="py-2 pr-3 break-all text-slate-700 dark:text-slate-300">{t.createdBy.email}</td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(t.expiresAt)}</td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap text-slate-600 tabular-nums dark:text-slate-400">
                {t.lastUsedAt ? formatUtc(t.lastUsedAt) : "Never"}
              </td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap">{status(t, nowIso)}</td>
              <td className="py-2 text-right">{t.revokedAt ? null : <RevokeApiTokenButton tokenId={t.id} name={t.name} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
