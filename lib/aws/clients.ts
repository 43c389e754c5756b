import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";

export interface AwsClientOptions {
  region: string;
  /** Practice range, LocalStack, or undefined for real AWS. */
  endpoint?: string;
  maxAttempts?: number;
}

export interface AwsClients {
  region: string;
  route53: Route53Client;
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  autoscaling: AutoScalingClient;
  ecs: ECSClient;
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
}

/**
 * One set of SDK clients per region. Against a local endpoint without credentials in the
 * environment, static dummy credentials are used (the practice range does not check them);
 * against real AWS the SDK's default credential chain applies.
 */
export function createClients(opts: AwsClientOptions): AwsClients {
  const local = opts.endpoint !== undefined;
  const credentials =
    local && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: "teal-local", secretAccessKey: "teal-local" } : undefined;
  const common = {
    region: opts.region,
    endpoint: opts.endpoint,
    credentials,
    maxAttempts: opts.maxAttempts ?? 3,
  };
  return {
    region: opts.region,
    // Route 53 is global; its control plane lives in us-east-1.
    route53: new Route53Client({ ...common, region: "us-east-1" }),
    elb: new ElasticLoadBalancingClient(common),
    elbv2: new ElasticLoadBalancingV2Client(common),
    autoscaling: new AutoScalingClient(common),
    ecs: new ECSClient(common),
    ec2: new EC2Client(common),
    cloudwatch: new CloudWatchClient(common),
  };
}
