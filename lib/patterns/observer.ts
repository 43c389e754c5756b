/**
 * The contract between the registry and each pattern's observer (the I/O half of a pattern): its
 * own module, so the observers and the registry that lists them do not import each other.
 */
import type { AppState } from "@/lib/domain/app-state";
import type { Color } from "@/lib/domain/basics";
import type { MetricSeries } from "@/lib/domain/snapshot";
import type { AwsClients } from "@/lib/aws/clients";
import type { MetricExpression, MetricQuery } from "@/lib/aws/cloudwatch";
import type { AppConfig } from "@/lib/config/schema";
import type { LastDeploy } from "./ecs-rolling";

export interface ObserveOptions {
  /** The Route 53 change id of the app's last operation (for change status). */
  lastChangeId?: string | null;
  /**
   * ecs-rolling: the app's latest deploy or rollback through Teal, with the ECS deployment it
   * created, so a rollback of the deployment Teal made undoes exactly that (see `rollbackTarget`).
   */
  lastDeploy?: LastDeploy | null;
  now?: Date;
}

/** The charts of one application: every query goes into one GetMetricData call. */
export interface MetricPlan {
  queries: (MetricQuery | MetricExpression)[];
  series: Omit<MetricSeries, "points">[];
  /** Query ids of each colour's request count, for the observed share; null when not measurable. */
  requests: Record<Color, string> | null;
}

/** The I/O half of a pattern: reading its AWS resources and naming its metrics. */
export interface PatternObserver<C extends AppConfig> {
  observe(clients: AwsClients, app: C, opts: ObserveOptions): Promise<AppState>;
  metrics(app: C, state: AppState, periodS: number): MetricPlan;
}
