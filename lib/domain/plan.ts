/** A plan as data: the AWS calls it makes, the waits it polls, its steps and what it changes. */

import type { AwsService, JsonObject, PatternId } from "./basics";
import type { GreenVerdict } from "./green-verdict";
import type { Intent } from "./intent";
import type { ProgressiveWaitKind } from "./progressive";

/** One AWS API call as data: previewed in the UI, journaled, executed by lib/aws. */
export interface AwsCall {
  service: AwsService;
  /** The API operation name exactly as AWS spells it, e.g. "ChangeResourceRecordSets". */
  operation: string;
  input: JsonObject;
  /** The application's region, from the plan's context (Route 53 ignores it). */
  region?: string;
  /**
   * The id of the application whose configured role (`assumeRole`) the call is made with, from the
   * plan's context; absent: the server's own credentials. An id, never the role's ARN: plans reach
   * the browser.
   */
  assumeRoleOf?: string;
}

/** A condition the engine polls until it holds or the timeout passes, in the application's region (Route 53 ignores it). */
export type WaitCondition = WaitConditionKind & { region?: string; assumeRoleOf?: string };

export type WaitConditionKind =
  | ProgressiveWaitKind
  | {
      /** Poll Route 53 GetChange with the ChangeInfo.Id returned by this step's call until INSYNC. */
      kind: "route53-change-insync";
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Poll classic ELB DescribeInstanceHealth until at least `minInService` instances are InService. */
      kind: "elb-in-service";
      loadBalancerName: string;
      minInService: number;
      /** When given, these instances must be InService (not just a count). */
      instanceIds?: string[];
      /**
       * The Auto Scaling groups the counted instances belong to: each poll aims at no more than
       * their summed desired capacity as it is then (not the count captured at plan time).
       */
      groupNames?: string[];
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /**
       * Auto Scaling group: at least `minInService` instances InService (optionally on a launch
       * config/template), never more than the group's desired capacity read at each poll.
       */
      kind: "asg-in-service";
      groupName: string;
      minInService: number;
      /** Only count instances on this launch configuration name or "lt-id:version". */
      launch?: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Auto Scaling instances reached a lifecycle state (Standby, InService, Terminated = gone). */
      kind: "asg-instances-state";
      groupName: string;
      instanceIds: string[];
      lifecycleState: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Traffic source attachment state (DescribeTrafficSources), e.g. InService or Removed. */
      kind: "asg-traffic-source";
      groupName: string;
      identifier: string;
      state: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** ELBv2 target group: at least `minHealthy` healthy targets (or all of `targetIds`). */
      kind: "tg-healthy";
      targetGroupArn: string;
      minHealthy: number;
      targetIds?: string[];
      /** As for elb-in-service: the groups whose current desired capacity caps `minHealthy`. */
      groupNames?: string[];
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** ECS service: PRIMARY deployment COMPLETED, running == desired, optionally on a task definition. */
      kind: "ecs-steady";
      cluster: string;
      service: string;
      taskDefinition?: string;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** Route 53 weighted records of one name and type carry these weights (by set identifier). */
      kind: "route53-weights";
      hostedZoneId: string;
      recordName: string;
      recordType: string;
      weights: Record<string, number>;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /** An ELBv2 listener's default forward action (or a rule's) weights its target groups so (by ARN). */
      kind: "listener-weights";
      listenerArn: string;
      ruleArn: string | null;
      weights: Record<string, number>;
      timeoutMs: number;
      pollMs: number;
    }
  | {
      /**
       * Run by the engine itself, never by lib/aws: the last step of a rollback that preempted an
       * operation which may still have had an AWS call on the wire. Holds once the engine's clock
       * has passed `untilMs` (the preemption plus `boundMs`, the longest such a call can last)
       * with every `checks[i].holds` true on a look taken after it. Whenever one does not hold, the
       * call of step `checks[i].step` (the rollback's own) is sent again.
       */
      kind: "preempted-calls-settled";
      untilMs: number;
      boundMs: number;
      /** How `boundMs` was reached, in words (journaled with the step). */
      bound: string;
      checks: { step: number; holds: WaitCondition }[];
      timeoutMs: number;
      pollMs: number;
    };

export interface Step {
  /** Stable within the plan, e.g. "change-weights". */
  id: string;
  /** Human title shown in the plan preview and the operation panel. */
  title: string;
  call?: AwsCall;
  wait?: WaitCondition;
  /**
   * Makes a non-idempotent call safe to re-run after a crash: when this condition already holds
   * (e.g. the instances are already in Standby), the engine skips the call and goes on to the wait.
   */
  skipIf?: WaitCondition;
  /**
   * What AWS looks like once the call has been applied (the weights it set). A rollback that
   * preempted an operation with a call still on the wire checks it until that call can no longer
   * land, and sends the call again if AWS moved (see the `preempted-calls-settled` wait).
   */
  holds?: WaitCondition;
}

/**
 * Where a plan starts and ends: green's share, and for ecs-rolling the task definition
 * ("family:revision") the service runs, so a later rollback can undo exactly this deploy.
 */
export type PlanEnds = {
  greenPercent: number;
  taskDefinition?: string;
};

export interface Plan {
  appId: string;
  pattern: PatternId;
  intent: Intent;
  /** One line: "Shift green from 0 % to 25 %". */
  summary: string;
  before: PlanEnds;
  after: PlanEnds;
  steps: Step[];
  /**
   * Set when AWS already is the intent's end state (a rollback with all traffic on blue): the plan
   * has no step, and this says so with the figures that show it.
   */
  nothingToDo?: { headline: string; detail: string };
}

/** A plan that cannot be carried out is refused before anything is called. */
export type PlanResult = { ok: true; plan: Plan } | { ok: false; reason: string };

/** Plan preview (GET /api/apps/:appId/plan): the plan plus the state version it was computed from. */
export type PlanPreview = PlanResult & {
  version: string;
  /** Shift and promote: green compared with blue now, as the server will judge it when confirmed. */
  greenVerdict?: GreenVerdict;
};
