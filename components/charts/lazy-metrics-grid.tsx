"use client";

import dynamic from "next/dynamic";
import { MetricsGridSkeleton } from "./metrics-grid-skeleton";

/**
 * The charts, loaded after the page: recharts is most of the page's JavaScript, and the controls
 * (Roll back above all) must be usable before it arrives. Client-only, since the charts measure
 * their container.
 */
export const LazyMetricsGrid = dynamic(() => import("./metrics-grid").then((m) => m.MetricsGrid), {
  ssr: false,
  loading: () => <MetricsGridSkeleton />,
});
