import type { KioskTokenInfo } from "@/lib/domain/kiosk";
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/history/format-utc";
import { RevokeKioskTokenButton } from "./revoke-kiosk-token-button";

/** Every kiosk token with who made it and when it was last used; active ones can be revoked. */
export function KioskTokenTable({ tokens }: { tokens: readonly KioskTokenInfo[] }) {
  if (tokens.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No kiosk tokens yet.</p>;
  return (
    <table className="w-full table-fixed text-left text-sm">
      <caption className="sr-only">Kiosk tokens</caption>
      <thead className="text-xs text-slate-500 dark:text-slate-400">
        <tr className="border-b border-slate-200 dark:border-slate-800">
          <th scope="col" className="py-2 font-medium">
            Screen
          </th>
          <th scope="col" className="w-56 py-2 font-medium">
            Created by
          </th>
          <th scope="col" className="w-48 py-2 font-medium">
            Created
          </th>
          <th scope="col" className="w-48 py-2 font-medium">
            Last used
          </th>
          <th scope="col" className="w-52 py-2 font-medium">
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
            <td className="truncate py-2 font-medium text-slate-900 dark:text-slate-100">{t.label}</td>
            <td className="truncate py-2 text-slate-700 dark:text-slate-300">{t.createdBy.email}</td>
            <td className="py-2 text-xs text-slate-600 tabular-nums dark:text-slate-400">{formatUtc(t.createdAt)}</td>
            <td className="py-2 text-xs text-slate-600 tabular-nums dark:text-slate-400">{t.lastUsedAt ? formatUtc(t.lastUsedAt) : "Never"}</td>
            <td className="py-2 text-xs">
              {t.revokedAt ? (
                <Badge tone="neutral">
                  <span aria-hidden="true">■</span>Revoked {formatUtc(t.revokedAt)}
                </Badge>
              ) : (
                <Badge tone="success">
                  <span aria-hidden="true">✓</span>Active
                </Badge>
              )}
            </td>
            <td className="py-2 text-right">{t.revokedAt ? null : <RevokeKioskTokenButton tokenId={t.id} label={t.label} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
