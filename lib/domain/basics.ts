/**
 * The smallest words of Teal: the two colours, the patterns, the roles, JSON values and the AWS services it talks to.
 */

export type Color = "blue" | "green";

export const COLORS: readonly Color[] = ["blue", "green"] as const;

export type PatternId = "dns-weighted" | "asg-swap" | "launch-swap" | "ecs-dns-swap" | "ecs-elb-swap" | "ecs-rolling" | "alb-weighted";

export type Role = "viewer" | "responder" | "operator" | "admin";

export const ROLES: readonly Role[] = ["viewer", "responder", "operator", "admin"] as const;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/** The AWS services Teal talks to (each maps to one SDK v3 client in lib/aws). */
export type AwsService = "route53" | "elb" | "elbv2" | "autoscaling" | "ecs" | "cloudwatch" | "ec2" | "sts";
