import { AppConsoleSkeleton } from "@/components/app/app-console-skeleton";

// Shown inside the shell while the application page loads.
export default function AppLoading() {
  return <AppConsoleSkeleton />;
}
