/**
 * ECS over AWS JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`), as
 * `@aws-sdk/client-ecs` speaks it: clusters, task definitions, services with rolling deployments,
 * tasks, and the container instances EC2 launch type services are placed on (docs/aws-behaviour.md
 * §5.7). Timestamps are epoch seconds; errors are `{"__type", "message"}` with HTTP 400. The
 * scheduler that moves tasks and deployments over time is ecs-scheduler.ts (tickEcs).
 */
import { z } from "zod";
import { SimApiError } from "./errors";
import type { SimHttpRequest, SimHttpResponse } from "./http";
import { requestId } from "@/range/world/ids";
import { findTargetGroup, loadBalancerArnsOf } from "@/range/world/elbv2-targets";
import {
  arnName,
  clusterArn,
  clustersOf,
  createCluster,
  deleteCluster,
  deregisterTaskDefinition,
  findCluster,
  findTaskDefinition,
  listTaskDefinitionArns,
  liveTasksOf,
  registerTaskDefinition,
  requireCluster,
  requireUsableTaskDefinition,
  serviceArn,
  servicesOf,
  tasksOf,
} from "@/range/world/ecs-resources";
import { addServiceEvent, deploymentCounts, ecsPrng, reconcileNow, serviceTasks, startDeployment, stopTask } from "@/range/world/ecs-scheduler";
import { subnetById, subnetOf } from "@/range/world/network";
import { containerInstancesOf, remainingResources } from "@/range/world/ecs-container-instances";
import type {
  SimEcsCluster,
  SimEcsDeploymentConfiguration,
  SimEcsLoadBalancer,
  SimEcsService,
  SimTask,
  SimTaskDefinition,
  SimWorld,
} from "@/range/world/state";

export const ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";
const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };

/** The ECS operation a request names (from X-Amz-Target), or undefined. */
export function ecsOperation(req: SimHttpRequest): string | undefined {
  const target = req.headers["x-amz-target"];
  if (target === undefined || !target.startsWith(`${ECS_TARGET_PREFIX}.`)) return undefined;
  return target.slice(ECS_TARGET_PREFIX.length + 1);
}

/** An ECS error in the JSON 1.1 shape the SDK parses into its exception classes. */
export function ecsError(err: SimApiError, requestId: string): SimHttpResponse {
  return {
    status: err.status,
    headers: { "content-type": JSON_CONTENT_TYPE, "x-amzn-requestid": requestId, "x-amzn-errortype": err.code },
    body: JSON.stringify({ __type: err.code, message: err.message }),
  };
}

function ok(body: { [key: string]: Json }, requestId: string): SimHttpResponse {
  return { status: 200, headers: { "content-type": JSON_CONTENT_TYPE, "x-amzn-requestid": requestId }, body: JSON.stringify(body) };
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

// ---------------------------------------------------------------------------------------------
// Input schemas (unknown members are ignored, as a real service ignores fields it does not use)

const tagsSchema = z.array(z.object({ key: z.string(), value: z.string().optional() })).optional();

const containerSchema = z.object({
  name: z.string().min(1),
  image: z.string().min(1),
  cpu: z.number().int().optional(),
  memory: z.number().int().optional(),
  memoryReservation: z.number().int().optional(),
  essential: z.boolean().optional(),
  environment: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  portMappings: z
    .array(z.object({ containerPort: z.number().int(), hostPort: z.number().int().optional(), protocol: z.string().optional() }))
    .optional(),
});

const deploymentConfigurationSchema = z
  .object({
    minimumHealthyPercent: z.number().int().optional(),
    maximumPercent: z.number().int().optional(),
    deploymentCircuitBreaker: z.object({ enable: z.boolean(), rollback: z.boolean() }).optional(),
    alarms: z.object({ alarmNames: z.array(z.string()), enable: z.boolean(), rollback: z.boolean() }).optional(),
    strategy: z.string().optional(),
  })
  .optional();

const networkConfigurationSchema = z
  .object({
    awsvpcConfiguration: z.object({
      subnets: z.array(z.string()),
      securityGroups: z.array(z.string()).optional(),
      assignPublicIp: z.string().optional(),
    }),
  })
  .optional();

const loadBalancersSchema = z
  .array(
    z.object({
      targetGroupArn: z.string().optional(),
      loadBalancerName: z.string().optional(),
      containerName: z.string().optional(),
      containerPort: z.number().int().optional(),
    }),
  )
  .optional();

const listSchema = z.object({ nextToken: z.string().optional(), maxResults: z.number().int().optional() });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined ? "" : issue.path.join(".");
  throw new SimApiError("InvalidParameterException", `Invalid parameter ${where}: ${issue?.message ?? "invalid input"}`);
}

function readBody(req: SimHttpRequest): unknown {
  const text = req.body.toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SimApiError("SerializationException", "The request body is not valid JSON.");
  }
}

/** Pages a list with an offset token; maxResults within [1, limit]. */
function page<T>(
  items: T[],
  input: { nextToken?: string; maxResults?: number },
  defaultMax: number,
  limit: number,
): { items: T[]; nextToken?: string } {
  const max = input.maxResults ?? defaultMax;
  if (max < 1 || max > limit) throw new SimApiError("InvalidParameterException", `maxResults must be between 1 and ${limit}.`);
  let start = 0;
  if (input.nextToken !== undefined) {
    const decoded = Number(Buffer.from(input.nextToken, "base64").toString("utf8"));
    if (!Number.isInteger(decoded) || decoded < 0) throw new SimApiError("InvalidParameterException", "Invalid nextToken.");
    start = decoded;
  }
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(String(start + max), "utf8").toString("base64") : undefined;
  return next === undefined ? { items: slice } : { items: slice, nextToken: next };
}

// ---------------------------------------------------------------------------------------------
// Output shapes

function renderCluster(world: SimWorld, cluster: SimEcsCluster): { [key: string]: Json } {
  const tasks = liveTasksOf(world, cluster);
  const services = [...servicesOf(world).values()].filter((s) => s.clusterArn === cluster.arn && s.status === "ACTIVE");
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: cluster.status,
    registeredContainerInstancesCount:
      cluster.status === "ACTIVE"
        ? [...containerInstancesOf(world).values()].filter((c) => c.clusterArn === cluster.arn && c.status === "ACTIVE").length
        : 0,
    runningTasksCount: cluster.status === "ACTIVE" ? tasks.filter((t) => t.lastStatus === "RUNNING").length : 0,
    pendingTasksCount: cluster.status === "ACTIVE" ? tasks.filter((t) => ["PROVISIONING", "PENDING", "ACTIVATING"].includes(t.lastStatus)).length : 0,
    activeServicesCount: cluster.status === "ACTIVE" ? services.length : 0,
    statistics: [],
    tags: cluster.tags,
    settings: [{ name: "containerInsights", value: "disabled" }],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  };
}

function renderTaskDefinition(def: SimTaskDefinition): { [key: string]: Json } {
  return {
    taskDefinitionArn: def.arn,
    family: def.family,
    revision: def.revision,
    status: def.status,
    containerDefinitions: def.containerDefinitions.map((c) => ({
      name: c.name,
      image: c.image,
      cpu: c.cpu ?? 0,
      memory: c.memory,
      memoryReservation: c.memoryReservation,
      essential: c.essential,
      environment: c.environment,
      portMappings: c.portMappings.map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort ?? p.containerPort, protocol: p.protocol })),
      mountPoints: [],
      volumesFrom: [],
    })),
    cpu: def.cpu,
    memory: def.memory,
    networkMode: def.networkMode,
    requiresCompatibilities: def.requiresCompatibilities,
    compatibilities: def.networkMode === "awsvpc" ? ["EC2", "FARGATE"] : ["EC2"],
    executionRoleArn: def.executionRoleArn,
    taskRoleArn: def.taskRoleArn,
    volumes: [],
    placementConstraints: [],
    requiresAttributes: [],
    registeredAt: seconds(def.registeredAtMs),
    deregisteredAt: seconds(def.deregisteredAtMs),
  };
}

function renderNetwork(service: SimEcsService): Json {
  const n = service.networkConfiguration;
  return n === undefined
    ? undefined
    : { awsvpcConfiguration: { subnets: n.subnets, securityGroups: n.securityGroups, assignPublicIp: n.assignPublicIp } };
}

function renderDeploymentConfiguration(cfg: SimEcsDeploymentConfiguration): Json {
  return {
    deploymentCircuitBreaker: { enable: cfg.circuitBreaker.enable, rollback: cfg.circuitBreaker.rollback },
    maximumPercent: cfg.maximumPercent,
    minimumHealthyPercent: cfg.minimumHealthyPercent,
    alarms: { alarmNames: cfg.alarms.alarmNames, enable: cfg.alarms.enable, rollback: cfg.alarms.rollback },
    strategy: "ROLLING",
  };
}

function renderService(world: SimWorld, service: SimEcsService): { [key: string]: Json } {
  const deployments = service.deployments.map((d) => {
    const counts = deploymentCounts(world, service, d);
    return {
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinitionArn,
      desiredCount: d.desiredCount,
      pendingCount: counts.pending,
      runningCount: counts.running,
      failedTasks: d.failedTasks,
      createdAt: seconds(d.createdAtMs),
      updatedAt: seconds(d.updatedAtMs),
      launchType: service.launchType,
      platformVersion: "1.4.0",
      platformFamily: "Linux",
      networkConfiguration: renderNetwork(service),
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
    };
  });
  const tasks = serviceTasks(world, service).filter((t) => t.desiredStatus === "RUNNING");
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    loadBalancers: service.loadBalancers.map((lb) => ({ ...lb })),
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
    pendingCount: tasks.filter((t) => t.lastStatus !== "RUNNING").length,
    launchType: service.launchType,
    platformVersion: "LATEST",
    platformFamily: "Linux",
    taskDefinition: service.taskDefinitionArn,
    deploymentConfiguration: renderDeploymentConfiguration(service.deploymentConfiguration),
    deployments,
    events: service.events.map((e) => ({ id: e.id, createdAt: seconds(e.createdAtMs), message: e.message })),
    createdAt: seconds(service.createdAtMs),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: renderNetwork(service),
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodS,
    schedulingStrategy: "REPLICA",
    deploymentController: { type: "ECS" },
    enableECSManagedTags: false,
    propagateTags: "NONE",
    enableExecuteCommand: false,
  };
}

function containerStatus(task: SimTask): string {
  if (["PROVISIONING", "PENDING", "ACTIVATING"].includes(task.lastStatus)) return "PENDING";
  if (task.lastStatus === "RUNNING" || task.lastStatus === "DEACTIVATING") return "RUNNING";
  return "STOPPED";
}

/** The subnet of a task's network interface: its service's subnet in the task's zone. */
function taskSubnet(world: SimWorld, task: SimTask): string {
  const service = [...servicesOf(world).values()].find((s) => s.clusterArn === task.clusterArn && s.name === task.serviceName);
  const subnet = (service?.networkConfiguration?.subnets ?? []).find((id) => subnetById(world, id)?.availabilityZone === task.availabilityZone);
  return subnet ?? subnetOf(task.availabilityZone);
}

function renderTask(world: SimWorld, task: SimTask): { [key: string]: Json } {
  const def = world.taskDefinitions?.get(task.taskDefinitionArn);
  const attachmentId = `eni-attach-${task.arn.slice(-12)}`;
  const eniStatus = task.lastStatus === "STOPPED" ? "DELETED" : task.lastStatus === "PROVISIONING" ? "PRECREATED" : "ATTACHED";
  const health = task.healthyAtMs !== undefined ? "HEALTHY" : task.unhealthySinceMs !== undefined ? "UNHEALTHY" : "UNKNOWN";
  return {
    taskArn: task.arn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    availabilityZone: task.availabilityZone,
    launchType: task.containerInstanceArn === undefined ? "FARGATE" : "EC2",
    containerInstanceArn: task.containerInstanceArn,
    platformVersion: task.containerInstanceArn === undefined ? "1.4.0" : undefined,
    platformFamily: "Linux",
    cpu: task.cpu,
    memory: task.memory,
    connectivity: task.lastStatus === "PROVISIONING" ? undefined : "CONNECTED",
    createdAt: seconds(task.createdAtMs),
    startedAt: seconds(task.startedAtMs),
    stoppingAt: seconds(task.stoppingAtMs),
    stoppedAt: seconds(task.stoppedAtMs),
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    group: task.group,
    startedBy: task.startedBy,
    healthStatus: health,
    containers: (def?.containerDefinitions ?? []).map((c) => ({
      containerArn: `${task.arn.replace(":task/", ":container/")}/${c.name}`,
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      lastStatus: containerStatus(task),
      networkInterfaces: [{ attachmentId, privateIpv4Address: task.ip }],
      healthStatus: health,
    })),
    attachments: [
      {
        id: attachmentId,
        type: "ElasticNetworkInterface",
        status: eniStatus,
        details: [
          { name: "subnetId", value: taskSubnet(world, task) },
          { name: "privateIPv4Address", value: task.ip },
        ],
      },
    ],
    tags: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Services

function resolveDeploymentConfiguration(
  input: z.infer<typeof deploymentConfigurationSchema>,
  base: SimEcsDeploymentConfiguration | undefined,
): SimEcsDeploymentConfiguration {
  const cfg: SimEcsDeploymentConfiguration = {
    minimumHealthyPercent: input?.minimumHealthyPercent ?? base?.minimumHealthyPercent ?? 100,
    maximumPercent: input?.maximumPercent ?? base?.maximumPercent ?? 200,
    circuitBreaker: input?.deploymentCircuitBreaker ?? base?.circuitBreaker ?? { enable: false, rollback: false },
    alarms: input?.alarms ?? base?.alarms ?? { alarmNames: [], enable: false, rollback: false },
  };
  if (input?.strategy !== undefined && input.strategy !== "ROLLING") {
    throw new SimApiError("InvalidParameterException", `The practice range supports only the ROLLING deployment strategy, not ${input.strategy}.`);
  }
  if (cfg.minimumHealthyPercent < 0 || cfg.minimumHealthyPercent > 100) {
    throw new SimApiError("InvalidParameterException", "minimumHealthyPercent must be between 0 and 100.");
  }
  if (cfg.maximumPercent < 100) throw new SimApiError("InvalidParameterException", "maximumPercent must be at least 100.");
  return cfg;
}

function resolveLoadBalancers(world: SimWorld, input: z.infer<typeof loadBalancersSchema>, def: SimTaskDefinition): SimEcsLoadBalancer[] {
  return (input ?? []).map((lb) => {
    if (lb.loadBalancerName !== undefined) {
      throw new SimApiError(
        "InvalidParameterException",
        "Classic Load Balancers are not supported with the awsvpc network mode; use a target group.",
      );
    }
    if (lb.targetGroupArn === undefined)
      throw new SimApiError("InvalidParameterException", "targetGroupArn is required for a load balancer of an awsvpc service.");
    if (lb.containerName === undefined || lb.containerPort === undefined) {
      throw new SimApiError("InvalidParameterException", "containerName and containerPort are required for each load balancer.");
    }
    const group = findTargetGroup(world, lb.targetGroupArn);
    if (group === undefined) throw new SimApiError("InvalidParameterException", `Unable to find target group ${lb.targetGroupArn}.`);
    if (group.targetType !== "ip") {
      throw new SimApiError(
        "InvalidParameterException",
        `The provided target group ${group.arn} has target type instance, which is incompatible with the awsvpc network mode specified in the task definition.`,
      );
    }
    if (loadBalancerArnsOf(world, group.arn).length === 0) {
      throw new SimApiError(
        "InvalidParameterException",
        `The target group with targetGroupArn ${group.arn} does not have an associated load balancer.`,
      );
    }
    const container = def.containerDefinitions.find((c) => c.name === lb.containerName);
    if (container === undefined)
      throw new SimApiError("InvalidParameterException", `The container ${lb.containerName} does not exist in the task definition.`);
    if (!container.portMappings.some((p) => p.containerPort === lb.containerPort)) {
      throw new SimApiError(
        "InvalidParameterException",
        `The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`,
      );
    }
    return { targetGroupArn: group.arn, containerName: lb.containerName, containerPort: lb.containerPort };
  });
}

function resolveNetwork(
  world: SimWorld,
  input: z.infer<typeof networkConfigurationSchema>,
  def: SimTaskDefinition,
): SimEcsService["networkConfiguration"] {
  if (input === undefined) {
    if (def.networkMode === "awsvpc") {
      throw new SimApiError("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    return undefined;
  }
  if (input.awsvpcConfiguration.subnets.length === 0) throw new SimApiError("InvalidParameterException", "subnets can not be empty.");
  for (const subnet of input.awsvpcConfiguration.subnets) {
    if (subnetById(world, subnet) === undefined)
      throw new SimApiError(
        "InvalidParameterException",
        `Error retrieving subnet information for [${subnet}]: The subnet ID '${subnet}' does not exist`,
      );
  }
  return {
    subnets: input.awsvpcConfiguration.subnets,
    securityGroups: input.awsvpcConfiguration.securityGroups ?? [],
    assignPublicIp: input.awsvpcConfiguration.assignPublicIp ?? "DISABLED",
  };
}

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;

function findService(world: SimWorld, cluster: SimEcsCluster, nameOrArn: string): SimEcsService | undefined {
  return servicesOf(world).get(serviceArn(world, cluster.name, arnName(nameOrArn)));
}

function requireActiveService(world: SimWorld, cluster: SimEcsCluster, nameOrArn: string): SimEcsService {
  const service = findService(world, cluster, nameOrArn);
  if (service === undefined) throw new SimApiError("ServiceNotFoundException", "Service not found.");
  if (service.status !== "ACTIVE") throw new SimApiError("ServiceNotActiveException", "Service was not ACTIVE.");
  return service;
}

function createService(world: SimWorld, body: unknown): SimEcsService {
  const input = parse(
    z.object({
      cluster: z.string().optional(),
      serviceName: z.string(),
      taskDefinition: z.string().optional(),
      desiredCount: z.number().int().min(0).optional(),
      launchType: z.string().optional(),
      loadBalancers: loadBalancersSchema,
      networkConfiguration: networkConfigurationSchema,
      deploymentConfiguration: deploymentConfigurationSchema,
      healthCheckGracePeriodSeconds: z.number().int().min(0).max(2_147_483_647).optional(),
      schedulingStrategy: z.string().optional(),
      deploymentController: z.object({ type: z.string() }).optional(),
    }),
    body,
  );
  const cluster = requireCluster(world, input.cluster);
  if (!SERVICE_NAME.test(input.serviceName)) {
    throw new SimApiError(
      "InvalidParameterException",
      "Service name can only contain letters (uppercase and lowercase), numbers, underscores, and hyphens, and can be up to 255 characters long.",
    );
  }
  if (input.schedulingStrategy !== undefined && input.schedulingStrategy !== "REPLICA") {
    throw new SimApiError("InvalidParameterException", "The practice range supports only the REPLICA scheduling strategy.");
  }
  if (input.deploymentController !== undefined && input.deploymentController.type !== "ECS") {
    throw new SimApiError("InvalidParameterException", "The practice range supports only the ECS deployment controller.");
  }
  const launchType = input.launchType ?? "FARGATE";
  if (launchType !== "FARGATE" && launchType !== "EC2") {
    throw new SimApiError("InvalidParameterException", `The practice range supports the FARGATE and EC2 launch types, not ${launchType}.`);
  }
  const existing = findService(world, cluster, input.serviceName);
  if (existing !== undefined && existing.status !== "INACTIVE")
    throw new SimApiError("InvalidParameterException", "Creation of service was not idempotent.");
  if (input.taskDefinition === undefined) throw new SimApiError("InvalidParameterException", "TaskDefinition can not be blank.");
  const def = requireUsableTaskDefinition(world, input.taskDefinition);
  if (launchType === "FARGATE" && !def.requiresCompatibilities.includes("FARGATE") && def.networkMode !== "awsvpc") {
    throw new SimApiError("InvalidParameterException", "Task definition does not support launch_type FARGATE.");
  }
  if (launchType === "EC2") {
    // A definition that requires only FARGATE cannot run on EC2 (docs/aws-behaviour.md §5.7).
    if (def.requiresCompatibilities.length > 0 && !def.requiresCompatibilities.includes("EC2")) {
      throw new SimApiError("InvalidParameterException", "Task definition does not support launch_type EC2.");
    }
    if (def.networkMode !== "awsvpc") {
      throw new SimApiError(
        "InvalidParameterException",
        `The practice range runs EC2 launch type tasks in the awsvpc network mode only, not ${def.networkMode}.`,
      );
    }
  }
  const service: SimEcsService = {
    arn: serviceArn(world, cluster.name, input.serviceName),
    name: input.serviceName,
    clusterArn: cluster.arn,
    status: "ACTIVE",
    desiredCount: input.desiredCount ?? 0,
    taskDefinitionArn: def.arn,
    launchType,
    loadBalancers: resolveLoadBalancers(world, input.loadBalancers, def),
    networkConfiguration: resolveNetwork(world, input.networkConfiguration, def),
    deploymentConfiguration: resolveDeploymentConfiguration(input.deploymentConfiguration, undefined),
    healthCheckGracePeriodS: input.healthCheckGracePeriodSeconds ?? 0,
    deployments: [],
    events: [],
    createdAtMs: world.nowMs,
    steady: false,
  };
  servicesOf(world).set(service.arn, service);
  startDeployment(world, service, def.arn);
  reconcileNow(world, service);
  return service;
}

function updateService(world: SimWorld, body: unknown): SimEcsService {
  const input = parse(
    z.object({
      cluster: z.string().optional(),
      service: z.string(),
      desiredCount: z.number().int().min(0).optional(),
      taskDefinition: z.string().optional(),
      deploymentConfiguration: deploymentConfigurationSchema,
      networkConfiguration: networkConfigurationSchema,
      loadBalancers: loadBalancersSchema,
      forceNewDeployment: z.boolean().optional(),
      healthCheckGracePeriodSeconds: z.number().int().min(0).optional(),
    }),
    body,
  );
  const cluster = requireCluster(world, input.cluster);
  const service = requireActiveService(world, cluster, input.service);
  const def = input.taskDefinition === undefined ? undefined : requireUsableTaskDefinition(world, input.taskDefinition);
  const current = world.taskDefinitions?.get(service.taskDefinitionArn);
  const effective = def ?? current;
  if (effective === undefined) throw new SimApiError("ClientException", "TaskDefinition not found.");
  // Validate everything before changing anything: a refused update leaves the service as it was.
  const deploymentConfiguration = resolveDeploymentConfiguration(input.deploymentConfiguration, service.deploymentConfiguration);
  const loadBalancers = input.loadBalancers === undefined ? undefined : resolveLoadBalancers(world, input.loadBalancers, effective);
  const network = input.networkConfiguration === undefined ? undefined : resolveNetwork(world, input.networkConfiguration, effective);
  if (def !== undefined && input.loadBalancers === undefined) resolveLoadBalancers(world, service.loadBalancers, def);

  service.deploymentConfiguration = deploymentConfiguration;
  if (input.healthCheckGracePeriodSeconds !== undefined) service.healthCheckGracePeriodS = input.healthCheckGracePeriodSeconds;
  if (input.desiredCount !== undefined && input.desiredCount !== service.desiredCount) {
    service.desiredCount = input.desiredCount;
    service.steady = false;
  }
  if (loadBalancers !== undefined) service.loadBalancers = loadBalancers;
  if (network !== undefined) service.networkConfiguration = network;
  // A deployment starts for a new task definition, new networking or load balancers, or when forced (docs/aws-behaviour.md §5.2).
  const needsDeployment =
    (def !== undefined && def.arn !== service.taskDefinitionArn) ||
    loadBalancers !== undefined ||
    network !== undefined ||
    input.forceNewDeployment === true;
  if (needsDeployment) startDeployment(world, service, effective.arn);
  reconcileNow(world, service);
  return service;
}

function deleteService(world: SimWorld, body: unknown): SimEcsService {
  const input = parse(z.object({ cluster: z.string().optional(), service: z.string(), force: z.boolean().optional() }), body);
  const cluster = requireCluster(world, input.cluster);
  const service = findService(world, cluster, input.service);
  if (service === undefined || service.status === "INACTIVE") throw new SimApiError("ServiceNotFoundException", "Service not found.");
  if (service.status === "DRAINING") return service;
  if (service.desiredCount > 0 && input.force !== true) {
    throw new SimApiError("InvalidParameterException", "The service cannot be stopped while it is scaled above 0.");
  }
  service.desiredCount = 0;
  service.status = "DRAINING";
  service.steady = false;
  addServiceEvent(world, service, `(service ${service.name}) has been deleted.`);
  reconcileNow(world, service);
  return service;
}

// ---------------------------------------------------------------------------------------------
// Dispatch

type Handler = (world: SimWorld, body: unknown) => { [key: string]: Json };

const HANDLERS: Readonly<Record<string, Handler>> = {
  CreateCluster(world, body) {
    const input = parse(z.object({ clusterName: z.string().optional(), tags: tagsSchema }), body);
    const tags = (input.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? "" }));
    return { cluster: renderCluster(world, createCluster(world, input.clusterName, tags)) };
  },
  DeleteCluster(world, body) {
    const input = parse(z.object({ cluster: z.string() }), body);
    return { cluster: renderCluster(world, deleteCluster(world, input.cluster)) };
  },
  ListClusters(world, body) {
    const input = parse(listSchema, body);
    const arns = [...clustersOf(world).values()].filter((c) => c.status === "ACTIVE").map((c) => c.arn);
    const out = page(arns, input, 100, 100);
    return { clusterArns: out.items, nextToken: out.nextToken };
  },
  DescribeClusters(world, body) {
    const input = parse(z.object({ clusters: z.array(z.string()).optional() }), body);
    const names = input.clusters ?? ["default"];
    if (names.length > 100) throw new SimApiError("InvalidParameterException", "The number of clusters exceeds the maximum of 100.");
    const clusters: { [key: string]: Json }[] = [];
    const failures: { [key: string]: Json }[] = [];
    for (const name of names) {
      const cluster = clustersOf(world).get(clusterArn(world, arnName(name)));
      if (cluster === undefined) failures.push({ arn: clusterArn(world, arnName(name)), reason: "MISSING" });
      else clusters.push(renderCluster(world, cluster));
    }
    return { clusters, failures };
  },
  RegisterTaskDefinition(world, body) {
    const input = parse(
      z.object({
        family: z.string(),
        containerDefinitions: z.array(containerSchema),
        cpu: z.string().optional(),
        memory: z.string().optional(),
        networkMode: z.string().optional(),
        requiresCompatibilities: z.array(z.string()).optional(),
        executionRoleArn: z.string().optional(),
        taskRoleArn: z.string().optional(),
      }),
      body,
    );
    const def = registerTaskDefinition(world, {
      family: input.family,
      containerDefinitions: input.containerDefinitions.map((c) => ({
        name: c.name,
        image: c.image,
        cpu: c.cpu,
        memory: c.memory,
        memoryReservation: c.memoryReservation,
        essential: c.essential ?? true,
        environment: c.environment ?? [],
        portMappings: (c.portMappings ?? []).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol ?? "tcp" })),
      })),
      cpu: input.cpu,
      memory: input.memory,
      networkMode: input.networkMode,
      requiresCompatibilities: input.requiresCompatibilities ?? [],
      executionRoleArn: input.executionRoleArn,
      taskRoleArn: input.taskRoleArn,
    });
    return { taskDefinition: renderTaskDefinition(def), tags: [] };
  },
  DeregisterTaskDefinition(world, body) {
    const input = parse(z.object({ taskDefinition: z.string() }), body);
    return { taskDefinition: renderTaskDefinition(deregisterTaskDefinition(world, input.taskDefinition)) };
  },
  DescribeTaskDefinition(world, body) {
    const input = parse(z.object({ taskDefinition: z.string() }), body);
    const def = findTaskDefinition(world, input.taskDefinition);
    if (def === undefined) throw new SimApiError("ClientException", "Unable to describe task definition.");
    return { taskDefinition: renderTaskDefinition(def), tags: [] };
  },
  ListTaskDefinitions(world, body) {
    const input = parse(
      listSchema.extend({
        familyPrefix: z.string().optional(),
        status: z.enum(["ACTIVE", "INACTIVE"]).optional(),
        sort: z.enum(["ASC", "DESC"]).optional(),
      }),
      body,
    );
    const arns = listTaskDefinitionArns(world, input.familyPrefix, input.status ?? "ACTIVE", input.sort ?? "ASC");
    const out = page(arns, input, 100, 100);
    return { taskDefinitionArns: out.items, nextToken: out.nextToken };
  },
  CreateService(world, body) {
    return { service: renderService(world, createService(world, body)) };
  },
  UpdateService(world, body) {
    return { service: renderService(world, updateService(world, body)) };
  },
  DeleteService(world, body) {
    return { service: renderService(world, deleteService(world, body)) };
  },
  ListServices(world, body) {
    const input = parse(listSchema.extend({ cluster: z.string().optional(), launchType: z.string().optional() }), body);
    const cluster = requireCluster(world, input.cluster);
    const arns = [...servicesOf(world).values()].filter((s) => s.clusterArn === cluster.arn && s.status === "ACTIVE").map((s) => s.arn);
    const out = page(arns, input, 10, 100);
    return { serviceArns: out.items, nextToken: out.nextToken };
  },
  TagResource(world, body) {
    const input = parse(
      z.object({ resourceArn: z.string().min(1), tags: z.array(z.object({ key: z.string().min(1).max(128), value: z.string().max(256) })) }),
      body,
    );
    const service = servicesOf(world).get(input.resourceArn);
    if (service === undefined || service.status === "INACTIVE")
      throw new SimApiError("ResourceNotFoundException", "The specified resource is not found.");
    const tags = { ...(service.tags ?? {}) };
    for (const t of input.tags) tags[t.key] = t.value;
    if (Object.keys(tags).length > 50) throw new SimApiError("InvalidParameterException", "A resource can have at most 50 tags.");
    service.tags = tags;
    return {};
  },
  ListTagsForResource(world, body) {
    const input = parse(z.object({ resourceArn: z.string().min(1) }), body);
    const service = servicesOf(world).get(input.resourceArn);
    if (service !== undefined && service.status !== "INACTIVE")
      return { tags: Object.entries(service.tags ?? {}).map(([key, value]) => ({ key, value })) };
    const cluster = clustersOf(world).get(input.resourceArn);
    if (cluster !== undefined && cluster.status === "ACTIVE") return { tags: cluster.tags.map((t) => ({ key: t.key, value: t.value })) };
    throw new SimApiError("ResourceNotFoundException", "The specified resource is not found.");
  },
  DescribeServices(world, body) {
    const input = parse(z.object({ cluster: z.string().optional(), services: z.array(z.string()) }), body);
    const cluster = requireCluster(world, input.cluster);
    if (input.services.length === 0) throw new SimApiError("InvalidParameterException", "Services cannot be empty.");
    if (input.services.length > 10) throw new SimApiError("InvalidParameterException", "service names can have at most 10 items.");
    const services: { [key: string]: Json }[] = [];
    const failures: { [key: string]: Json }[] = [];
    for (const ref of input.services) {
      const service = findService(world, cluster, ref);
      if (service === undefined) failures.push({ arn: serviceArn(world, cluster.name, arnName(ref)), reason: "MISSING" });
      else services.push(renderService(world, service));
    }
    return { services, failures };
  },
  ListTasks(world, body) {
    const input = parse(
      listSchema.extend({
        cluster: z.string().optional(),
        serviceName: z.string().optional(),
        family: z.string().optional(),
        startedBy: z.string().optional(),
        desiredStatus: z.enum(["RUNNING", "PENDING", "STOPPED"]).optional(),
      }),
      body,
    );
    const cluster = requireCluster(world, input.cluster);
    let serviceName: string | undefined;
    if (input.serviceName !== undefined) {
      const service = findService(world, cluster, input.serviceName);
      if (service === undefined) throw new SimApiError("ServiceNotFoundException", "Service not found.");
      serviceName = service.name;
    }
    const wantStatus = input.desiredStatus === "STOPPED" ? "STOPPED" : "RUNNING";
    const arns = [...tasksOf(world).values()]
      .filter(
        (t) =>
          t.clusterArn === cluster.arn &&
          t.desiredStatus === wantStatus &&
          (serviceName === undefined || t.serviceName === serviceName) &&
          (input.startedBy === undefined || t.startedBy === input.startedBy) &&
          (input.family === undefined || t.taskDefinitionArn.includes(`:task-definition/${input.family}:`)),
      )
      .map((t) => t.arn);
    const out = page(arns, input, 100, 100);
    return { taskArns: out.items, nextToken: out.nextToken };
  },
  ListContainerInstances(world, body) {
    const input = parse(
      z.object({
        cluster: z.string().optional(),
        status: z.string().optional(),
        nextToken: z.string().optional(),
        maxResults: z.number().int().optional(),
      }),
      body,
    );
    const cluster = requireCluster(world, input.cluster);
    const arns = [...containerInstancesOf(world).values()]
      .filter((c) => c.clusterArn === cluster.arn && (input.status === undefined ? c.status !== "INACTIVE" : c.status === input.status))
      .map((c) => c.arn);
    const out = page(arns, input, 100, 100);
    return { containerInstanceArns: out.items, nextToken: out.nextToken };
  },
  DescribeContainerInstances(world, body) {
    const input = parse(z.object({ cluster: z.string().optional(), containerInstances: z.array(z.string()) }), body);
    const cluster = requireCluster(world, input.cluster);
    if (input.containerInstances.length === 0 || input.containerInstances.length > 100) {
      throw new SimApiError("InvalidParameterException", "containerInstances must name 1 to 100 container instances.");
    }
    const found: { [key: string]: Json }[] = [];
    const failures: { [key: string]: Json }[] = [];
    const prefix = cluster.arn.replace(":cluster/", ":container-instance/");
    for (const ref of input.containerInstances) {
      const ci = containerInstancesOf(world).get(ref.startsWith("arn:") ? ref : `${prefix}/${ref}`);
      if (ci === undefined || ci.clusterArn !== cluster.arn) {
        failures.push({ arn: ref, reason: "MISSING" });
        continue;
      }
      const left = remainingResources(world, ci);
      const tasks = [...tasksOf(world).values()].filter((t) => t.containerInstanceArn === ci.arn && t.lastStatus !== "STOPPED");
      const resource = (name: string, value: number): Json => ({ name, type: "INTEGER", integerValue: value, doubleValue: 0, longValue: 0 });
      found.push({
        containerInstanceArn: ci.arn,
        ec2InstanceId: ci.ec2InstanceId,
        status: ci.status,
        agentConnected: ci.status === "ACTIVE",
        registeredAt: seconds(ci.registeredAtMs),
        registeredResources: [resource("CPU", ci.registeredCpu), resource("MEMORY", ci.registeredMemory)],
        remainingResources: [resource("CPU", Math.max(0, left.cpu)), resource("MEMORY", Math.max(0, left.memory))],
        runningTasksCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
        pendingTasksCount: tasks.filter((t) => ["PROVISIONING", "PENDING", "ACTIVATING"].includes(t.lastStatus)).length,
        attributes: [
          { name: "ecs.availability-zone", value: ci.availabilityZone },
          { name: "ecs.instance-type", value: ci.instanceType },
        ],
        tags: [],
      });
    }
    return { containerInstances: found, failures };
  },
  DescribeTasks(world, body) {
    const input = parse(z.object({ cluster: z.string().optional(), tasks: z.array(z.string()) }), body);
    const cluster = requireCluster(world, input.cluster);
    if (input.tasks.length === 0) throw new SimApiError("InvalidParameterException", "Tasks cannot be empty.");
    if (input.tasks.length > 100) throw new SimApiError("InvalidParameterException", "The number of tasks exceeds the maximum of 100.");
    const tasks: { [key: string]: Json }[] = [];
    const failures: { [key: string]: Json }[] = [];
    for (const ref of input.tasks) {
      const task = tasksOf(world).get(ref.startsWith("arn:") ? ref : `${cluster.arn.replace(":cluster/", ":task/")}/${ref}`);
      if (task === undefined || task.clusterArn !== cluster.arn) failures.push({ arn: ref, reason: "MISSING" });
      else tasks.push(renderTask(world, task));
    }
    return { tasks, failures };
  },
  StopTask(world, body) {
    const input = parse(z.object({ cluster: z.string().optional(), task: z.string(), reason: z.string().optional() }), body);
    const cluster = requireCluster(world, input.cluster);
    const task = tasksOf(world).get(input.task.startsWith("arn:") ? input.task : `${cluster.arn.replace(":cluster/", ":task/")}/${input.task}`);
    if (task === undefined || task.clusterArn !== cluster.arn)
      throw new SimApiError("InvalidParameterException", "The referenced task was not found.");
    stopTask(world, task, input.reason ?? "Task stopped by user", "UserInitiated");
    return { task: renderTask(world, task) };
  },
};

/** The ECS operations the range answers. */
export const ECS_OPERATIONS: readonly string[] = Object.keys(HANDLERS);

/** Handles one ECS JSON 1.1 request; API errors come back in the JSON 1.1 error shape. */
export function handleEcs(world: SimWorld, req: SimHttpRequest): SimHttpResponse {
  const rid = requestId(ecsPrng(world));
  try {
    const operation = ecsOperation(req);
    const handler = operation === undefined ? undefined : HANDLERS[operation];
    if (handler === undefined) {
      throw new SimApiError("UnknownOperationException", `The practice range does not emulate ECS operation ${operation ?? "(none)"}.`);
    }
    return ok(handler(world, readBody(req)), rid);
  } catch (err) {
    if (err instanceof SimApiError) return ecsError(err, rid);
    throw err;
  }
}

/** Whether a cluster exists and is ACTIVE (for the control API). */
export function hasCluster(world: SimWorld, name: string): boolean {
  return findCluster(world, name) !== undefined;
}
