import { Skeleton } from "@/components/ui/skeleton";

/** Placeholder with the application page's shape, so nothing jumps when data arrives. */
export function AppConsoleSkeleton() {
  return (
    <div className="space-y-5">
      <div className="space-y-2" aria-busy="true" aria-label="Loading application">
        <Skeleton className="h-3 w-32" />
        <Skeleton className="h-7 w-72" />
      </div>
      <AppConsoleBodySkeleton />
    </div>
  );
}

/** The page below its title bar while the first snapshot is on its way (the title and Roll back are already drawn). */
export function AppConsoleBodySkeleton() {
  return (
    <div className="space-y-5" aria-busy="true" aria-label="Loading application data">
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-[minmax(0,1fr)_380px]">
        <div className="space-y-4">
          <Skeleton className="h-32 w-full" />
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <Skeleton className="h-72 w-full" />
            <Skeleton className="h-72 w-full" />
          </div>
        </div>
        <div className="space-y-4">
          <Skeleton className="h-48 w-full" />
          <Skeleton className="h-64 w-full" />
        </div>
      </div>
      <div className="grid grid-cols-1 gap-3 xl:grid-cols-3">
        <Skeleton className="h-52 w-full xl:col-span-2" />
        <Skeleton className="h-52 w-full" />
      </div>
    </div>
  );
}
