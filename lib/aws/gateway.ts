import "server-only";
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  type ChangeResourceRecordSetsCommandInput,
  type GetChangeCommandInput,
} from "@aws-sdk/client-route-53";
import { UpdateServiceCommand, type UpdateServiceCommandInput } from "@aws-sdk/client-ecs";
import {
  DeregisterInstancesFromLoadBalancerCommand,
  RegisterInstancesWithLoadBalancerCommand,
  type DeregisterInstancesFromLoadBalancerCommandInput,
  type RegisterInstancesWithLoadBalancerCommandInput,
} from "@aws-sdk/client-elastic-load-balancing";
import { AppError, type AwsCall, type AwsGateway, type AwsService, type JsonObject, type JsonValue, type WaitCondition } from "@/lib/domain/types";
import type { AwsClients } from "./clients";
import { toAppError } from "./errors";
import { toJson } from "./json";
import { checkWait } from "./waits";

type Executor = (clients: AwsClients, input: JsonObject) => Promise<unknown>;

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
    ChangeResourceRecordSets: (c, input) =>
      c.route53.send(new ChangeResourceRecordSetsCommand(sdkInput<ChangeResourceRecordSetsCommandInput>(input))),
    GetChange: (c, input) => c.route53.send(new GetChangeCommand(sdkInput<GetChangeCommandInput>(input))),
  },
  ecs: {
    UpdateService: (c, input) => c.ecs.send(new UpdateServiceCommand(sdkInput<UpdateServiceCommandInput>(input))),
  },
  elb: {
    RegisterInstancesWithLoadBalancer: (c, input) =>
      c.elb.send(new RegisterInstancesWithLoadBalancerCommand(sdkInput<RegisterInstancesWithLoadBalancerCommandInput>(input))),
    DeregisterInstancesFromLoadBalancer: (c, input) =>
      c.elb.send(
        new DeregisterInstancesFromLoadBalancerCommand(sdkInput<DeregisterInstancesFromLoadBalancerCommandInput>(input)),
      ),
  },
};

export function supportedOperation(call: Pick<AwsCall, "service" | "operation">): boolean {
  return Boolean(OPERATIONS[call.service]?.[call.operation]);
}

/** The engine's window on AWS: executes plan calls and evaluates wait conditions with the SDK clients. */
export function createAwsGateway(clients: AwsClients): AwsGateway {
  return {
    async call(call: AwsCall): Promise<JsonValue> {
      const exec = OPERATIONS[call.service]?.[call.operation];
      if (!exec) throw new AppError("invalid", `Teal does not run ${call.service}:${call.operation} in plans`);
      try {
        return toJson(await exec(clients, call.input));
      } catch (err) {
        throw toAppError(err, call.operation);
      }
    },

    check(wait: WaitCondition, stepOutput: JsonValue | null) {
      return checkWait(clients, wait, stepOutput);
    },
  };
}
