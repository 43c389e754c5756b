import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { can } from "@/lib/auth/roles";
import { readSessionUser } from "@/components/auth/session-user";
import type { ConsolePermissions } from "@/components/controls/permissions";
import { AppConsole } from "@/components/app/app-console";

export const metadata: Metadata = { title: "Application" };

// One application. Which controls show is decided here from the role; the server enforces it again.
export default async function AppPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  const user = readSessionUser(await getServerSession(authOptions));
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/apps/${appId}`)}`);
  const permissions: ConsolePermissions = {
    shift: can(user.role, "shift"),
    rollback: can(user.role, "rollback"),
    abort: can(user.role, "abort"),
    reassert: can(user.role, "reassert"),
  };
  return <AppConsole key={appId} appId={appId} permissions={permissions} />;
}
