import { Skeleton } from "@/components/ui/skeleton";

/** The charts' shape while their code loads, so the page does not jump when they arrive. */
export function MetricsGridSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-3 lg:grid-cols-2 xl:grid-cols-3" aria-busy="true" aria-label="Loading charts">
      <Skeleton className="h-56 w-full xl:col-span-2" />
      <Skeleton className="h-56 w-full" />
      <Skeleton className="h-56 w-full xl:col-span-2" />
      <Skeleton className="h-56 w-full" />
    </div>
  );
}
