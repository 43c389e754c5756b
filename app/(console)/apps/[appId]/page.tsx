import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { can } from "@/lib/auth/roles";
import { getRuntime } from "@/lib/runtime/runtime";
import { readSessionUser } from "@/components/auth/session-user";
import type { ConsolePermissions } from "@/components/controls/permissions";
import { AppConsole, type ConfiguredApp } from "@/components/app/app-console";

export const metadata: Metadata = { title: "Application" };

// One application. Which controls show is decided here from the role; the server enforces it again.
// Its name, pattern and the Roll back button come from Teal's configuration, not from AWS, so they
// are drawn at once even while AWS does not answer.
export default async function AppPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  const user = readSessionUser(await getServerSession(authOptions));
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/apps/${appId}`)}`);
  const rt = await getRuntime();
  const app = rt.app(appId);
  if (!app) notFound();
  const configured: ConfiguredApp = { id: app.id, name: app.name, pattern: app.pattern, region: app.region };
  const permissions: ConsolePermissions = {
    shift: can(user.role, "shift"),
    rollback: can(user.role, "rollback"),
    abort: can(user.role, "abort"),
    reassert: can(user.role, "reassert"),
  };
  return <AppConsole key={appId} app={configured} permissions={permissions} />;
}
