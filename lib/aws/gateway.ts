import "server-only";
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  type ChangeResourceRecordSetsCommandInput,
  type GetChangeCommandInput,
} from "@aws-sdk/client-route-53";
import {
  AttachTrafficSourcesCommand,
  DetachTrafficSourcesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
  type AttachTrafficSourcesCommandInput,
  type DetachTrafficSourcesCommandInput,
  type EnterStandbyCommandInput,
  type ExitStandbyCommandInput,
  type SetDesiredCapacityCommandInput,
  type TerminateInstanceInAutoScalingGroupCommandInput,
  type UpdateAutoScalingGroupCommandInput,
} from "@aws-sdk/client-auto-scaling";
import { UpdateServiceCommand, type UpdateServiceCommandInput } from "@aws-sdk/client-ecs";
import {
  DeregisterInstancesFromLoadBalancerCommand,
  RegisterInstancesWithLoadBalancerCommand,
  type DeregisterInstancesFromLoadBalancerCommandInput,
  type RegisterInstancesWithLoadBalancerCommandInput,
} from "@aws-sdk/client-elastic-load-balancing";
import {
  ModifyListenerCommand,
  ModifyRuleCommand,
  type ModifyListenerCommandInput,
  type ModifyRuleCommandInput,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AppError } from "@/lib/domain/app-error";
import type { AwsCall, WaitCondition } from "@/lib/domain/plan";
import type { AwsCallInfo, AwsGateway, MetricRead } from "@/lib/domain/gateway";
import { getMetricData } from "./cloudwatch";
import type { AwsService, JsonObject, JsonValue } from "@/lib/domain/basics";
import { callBoundMs, describeCallBound, type AwsClients } from "./clients";
import { toAppError } from "./errors";
import { toJson } from "./json";
import { checkWait } from "./waits";

/** `o` carries the caller's abort signal to the SDK (an aborted call is dropped and not retried). */
type SendOptions = { abortSignal?: AbortSignal };
type Executor = (clients: AwsClients, input: JsonObject, o: SendOptions) => Promise<unknown>;

/**
 * Plans are data, journaled as JSON; the SDK validates every input again when it serialises the
 * request, so the JSON is handed to the command as its input type here and nowhere else.
 */
function sdkInput<T>(input: JsonObject): T {
  return input as unknown as T;
}

/** Every mutating or polling AWS operation a plan may contain. Anything else is refused. */
const OPERATIONS: Partial<Record<AwsService, Record<string, Executor>>> = {
  route53: {
    ChangeResourceRecordSets: (c, input, o) =>
      c.route53.send(new ChangeResourceRecordSetsCommand(sdkInput<ChangeResourceRecordSetsCommandInput>(input)), o),
    GetChange: (c, input, o) => c.route53.send(new GetChangeCommand(sdkInput<GetChangeCommandInput>(input)), o),
  },
  autoscaling: {
    // asg-swap and launch-swap (docs/aws-behaviour.md §4): capacity, launch source, traffic sources, standby, termination.
    SetDesiredCapacity: (c, input, o) => c.autoscaling.send(new SetDesiredCapacityCommand(sdkInput<SetDesiredCapacityCommandInput>(input)), o),
    UpdateAutoScalingGroup: (c, input, o) =>
      c.autoscaling.send(new UpdateAutoScalingGroupCommand(sdkInput<UpdateAutoScalingGroupCommandInput>(input)), o),
    AttachTrafficSources: (c, input, o) => c.autoscaling.send(new AttachTrafficSourcesCommand(sdkInput<AttachTrafficSourcesCommandInput>(input)), o),
    DetachTrafficSources: (c, input, o) => c.autoscaling.send(new DetachTrafficSourcesCommand(sdkInput<DetachTrafficSourcesCommandInput>(input)), o),
    EnterStandby: (c, input, o) => c.autoscaling.send(new EnterStandbyCommand(sdkInput<EnterStandbyCommandInput>(input)), o),
    ExitStandby: (c, input, o) => c.autoscaling.send(new ExitStandbyCommand(sdkInput<ExitStandbyCommandInput>(input)), o),
    TerminateInstanceInAutoScalingGroup: (c, input, o) =>
      c.autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand(sdkInput<TerminateInstanceInAutoScalingGroupCommandInput>(input)), o),
  },
  ecs: {
    UpdateService: (c, input, o) => c.ecs.send(new UpdateServiceCommand(sdkInput<UpdateServiceCommandInput>(input)), o),
  },
  elbv2: {
    // Both replace the action list whole; planners send it back complete (alb-weighted).
    ModifyListener: (c, input, o) => c.elbv2.send(new ModifyListenerCommand(sdkInput<ModifyListenerCommandInput>(input)), o),
    ModifyRule: (c, input, o) => c.elbv2.send(new ModifyRuleCommand(sdkInput<ModifyRuleCommandInput>(input)), o),
  },
  elb: {
    RegisterInstancesWithLoadBalancer: (c, input, o) =>
      c.elb.send(new RegisterInstancesWithLoadBalancerCommand(sdkInput<RegisterInstancesWithLoadBalancerCommandInput>(input)), o),
    DeregisterInstancesFromLoadBalancer: (c, input, o) =>
      c.elb.send(new DeregisterInstancesFromLoadBalancerCommand(sdkInput<DeregisterInstancesFromLoadBalancerCommandInput>(input)), o),
  },
};

export function supportedOperation(call: Pick<AwsCall, "service" | "operation">): boolean {
  return Boolean(OPERATIONS[call.service]?.[call.operation]);
}

/** The SDK's `$metadata` of an output or an error: how many attempts the call took. */
export function callInfoOf(value: unknown): AwsCallInfo | null {
  if (!value || typeof value !== "object" || !("$metadata" in value)) return null;
  const meta = (value as { $metadata?: { attempts?: unknown; totalRetryDelay?: unknown } }).$metadata;
  if (typeof meta?.attempts !== "number") return null;
  return { attempts: meta.attempts, totalRetryDelayMs: typeof meta.totalRetryDelay === "number" ? meta.totalRetryDelay : 0 };
}

/**
 * The engine's window on AWS: executes plan calls and evaluates wait conditions with the SDK
 * clients. `polling` (optional) is a second set of clients for wait checks, e.g. in adaptive
 * retry mode (see AwsClientOptions.retryMode); plan calls always use `clients`.
 */
export function createAwsGateway(clients: AwsClients, options: { polling?: AwsClients } = {}): AwsGateway {
  const polling = options.polling ?? clients;
  return {
    inFlightBoundMs: callBoundMs(clients.limits),
    inFlightBound: describeCallBound(clients.limits),

    async call(call: AwsCall, observe?: (info: AwsCallInfo) => void, opts: { signal?: AbortSignal } = {}): Promise<JsonValue> {
      const exec = OPERATIONS[call.service]?.[call.operation];
      if (!exec) throw new AppError("invalid", `Teal does not run ${call.service}:${call.operation} in plans`);
      let output: unknown;
      try {
        output = await exec(clients, call.input, opts.signal ? { abortSignal: opts.signal } : {});
      } catch (err) {
        const info = callInfoOf(err);
        if (info) observe?.(info);
        throw toAppError(err, call.operation);
      }
      const info = callInfoOf(output);
      if (info) observe?.(info);
      return toJson(output);
    },

    check(wait: WaitCondition, stepOutput: JsonValue | null) {
      return checkWait(polling, wait, stepOutput);
    },

    async readMetrics(read: MetricRead) {
      const queries = Object.entries(read.series).map(([id, ref]) => ({ id, ...ref, periodS: read.periodS }));
      const { results } = await getMetricData(polling.cloudwatch, queries, new Date(read.startMs), new Date(read.endMs));
      return Object.fromEntries(results.map((r) => [r.id, r.points]));
    },
  };
}
