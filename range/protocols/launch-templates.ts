/**
 * EC2 launch templates (API 2016-11-15, EC2 query protocol): CreateLaunchTemplate,
 * CreateLaunchTemplateVersion, DescribeLaunchTemplates, DescribeLaunchTemplateVersions,
 * ModifyLaunchTemplate and DeleteLaunchTemplate, plus the version resolution Auto Scaling uses.
 *
 * Which application version an instance launched from a template runs: the `teal:version` tag of the
 * version's instance TagSpecifications; failing that a `teal:version=<name>` line in its UserData
 * (see `versionFromUserData`); failing both, the launching group's propagated `teal:version` tag.
 */
import { SimApiError } from "./errors";
import { createPrng, seedFromString } from "@/range/world/prng";
import { isoTime, queryInt, queryListItems, queryListValues, queryStruct, xmlList, type XmlFields, type XmlValue } from "./query";
import type { SimLaunchTemplate, SimLaunchTemplateVersion, SimWorld } from "@/range/world/state";

const LT_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
/** The principal the range pretends made every call. */
const CREATED_BY = (world: SimWorld): string => `arn:aws:iam::${world.config.accountId}:root`;

export function launchTemplates(world: SimWorld): Map<string, SimLaunchTemplate> {
  world.launchTemplates ??= new Map();
  return world.launchTemplates;
}

function hex(seedText: string, length: number): string {
  const prng = createPrng(seedFromString(seedText));
  let out = "";
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[prng.int(16)];
  return out;
}

/** Finds a template by id or name; undefined when neither matches. */
export function findLaunchTemplate(world: SimWorld, idOrName: { id?: string; name?: string }): SimLaunchTemplate | undefined {
  const all = launchTemplates(world);
  if (idOrName.id !== undefined && idOrName.id !== "") return all.get(idOrName.id);
  if (idOrName.name !== undefined && idOrName.name !== "") return [...all.values()].find((t) => t.name === idOrName.name);
  return undefined;
}

/**
 * Resolves a version string ("$Latest", "$Default" or a number; empty means "$Default" as in EC2)
 * to a template version, or undefined when the template has no such version.
 */
export function resolveTemplateVersion(template: SimLaunchTemplate, version: string | undefined): SimLaunchTemplateVersion | undefined {
  const v = version === undefined || version === "" ? "$Default" : version;
  const n = v === "$Latest" ? template.latestVersion : v === "$Default" ? template.defaultVersion : /^[0-9]+$/.test(v) ? Number(v) : NaN;
  return template.versions.find((x) => x.versionNumber === n);
}

/** The `teal:version=<name>` line of base64 UserData (lines like `TEAL_VERSION=v42` work too). */
export function versionFromUserData(userData: string | undefined): string | undefined {
  if (userData === undefined || userData === "") return undefined;
  const text = Buffer.from(userData, "base64").toString("utf8");
  const match = /^(?:teal:version|TEAL_VERSION)\s*=\s*([A-Za-z0-9._:-]{1,64})\s*$/m.exec(text);
  return match?.[1];
}

/** The instance tags a template version applies at launch (its "instance" TagSpecifications). */
export function instanceTagsOf(version: SimLaunchTemplateVersion): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of version.tagSpecifications) if (spec.resourceType === "instance") Object.assign(tags, spec.tags);
  return tags;
}

// ---------------------------------------------------------------------------------------------
// Parameter readers

function missing(name: string): SimApiError {
  return new SimApiError("MissingParameter", `The request must contain the parameter ${name}`, 400);
}

function invalid(message: string): SimApiError {
  return new SimApiError("InvalidParameterValue", message, 400);
}

function notFoundById(id: string): SimApiError {
  return new SimApiError("InvalidLaunchTemplateId.NotFound", `The specified launch template, with template ID ${id}, does not exist.`, 400);
}

function notFoundByName(name: string): SimApiError {
  return new SimApiError(
    "InvalidLaunchTemplateName.NotFoundException",
    `The specified launch template, with template name ${name}, does not exist.`,
    400,
  );
}

/** The template a request names by LaunchTemplateId or LaunchTemplateName (exactly one). */
function requestedTemplate(world: SimWorld, params: URLSearchParams): SimLaunchTemplate {
  const id = params.get("LaunchTemplateId") ?? "";
  const name = params.get("LaunchTemplateName") ?? "";
  if (id !== "" && name !== "") throw invalid("Both a launch template ID and a launch template name were specified. Specify only one.");
  if (id === "" && name === "") throw missing("LaunchTemplateId or LaunchTemplateName");
  const template = findLaunchTemplate(world, { id, name });
  if (template === undefined) throw id !== "" ? notFoundById(id) : notFoundByName(name);
  return template;
}

function readTags(item: URLSearchParams, listName: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of queryListItems(item, listName)) {
    const key = tag.get("Key");
    if (key === null || key === "") throw missing(`${listName}.N.Key`);
    tags[key] = tag.get("Value") ?? "";
  }
  return tags;
}

type TemplateData = Omit<SimLaunchTemplateVersion, "versionNumber" | "description" | "createdAtMs">;

/** Reads `LaunchTemplateData.*` over a base (the source version for CreateLaunchTemplateVersion). */
function readTemplateData(params: URLSearchParams, base: TemplateData | undefined): TemplateData {
  const data = queryStruct(params, "LaunchTemplateData");
  const imageId = data.get("ImageId") ?? base?.imageId;
  if (imageId !== undefined && !/^(ami-[0-9a-f]+|resolve:ssm:.+)$/.test(imageId)) {
    throw new SimApiError("InvalidAMIID.Malformed", `Invalid id: "${imageId}" (expecting "ami-...")`, 400);
  }
  const specs = queryListItems(data, "TagSpecification").map((spec) => ({
    resourceType: spec.get("ResourceType") ?? "instance",
    tags: readTags(spec, "Tag"),
  }));
  const groups = queryListValues(data, "SecurityGroupId");
  return {
    imageId,
    instanceType: data.get("InstanceType") ?? base?.instanceType,
    userData: data.get("UserData") ?? base?.userData,
    securityGroupIds: groups.length > 0 ? groups : [...(base?.securityGroupIds ?? [])],
    tagSpecifications: specs.length > 0 ? specs : (base?.tagSpecifications ?? []).map((s) => ({ resourceType: s.resourceType, tags: { ...s.tags } })),
  };
}

// ---------------------------------------------------------------------------------------------
// XML

function templateXml(world: SimWorld, t: SimLaunchTemplate): XmlFields {
  return {
    launchTemplateId: t.id,
    launchTemplateName: t.name,
    createTime: isoTime(t.createdAtMs),
    createdBy: CREATED_BY(world),
    defaultVersionNumber: t.defaultVersion,
    latestVersionNumber: t.latestVersion,
    tagSet: xmlList(
      "item",
      Object.entries(t.tags).map(([key, value]): XmlValue => ({ key, value })),
    ),
  };
}

function versionXml(world: SimWorld, t: SimLaunchTemplate, v: SimLaunchTemplateVersion): XmlFields {
  return {
    launchTemplateId: t.id,
    launchTemplateName: t.name,
    versionNumber: v.versionNumber,
    versionDescription: v.description,
    createTime: isoTime(v.createdAtMs),
    createdBy: CREATED_BY(world),
    defaultVersion: v.versionNumber === t.defaultVersion,
    launchTemplateData: {
      imageId: v.imageId,
      instanceType: v.instanceType,
      userData: v.userData,
      tagSpecificationSet:
        v.tagSpecifications.length === 0
          ? undefined
          : xmlList(
              "item",
              v.tagSpecifications.map((s): XmlValue => ({
                resourceType: s.resourceType,
                tagSet: xmlList(
                  "item",
                  Object.entries(s.tags).map(([key, value]): XmlValue => ({ key, value })),
                ),
              })),
            ),
      securityGroupIdSet: v.securityGroupIds.length === 0 ? undefined : xmlList("item", v.securityGroupIds),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Operations (registered by range/protocols/ec2.ts)

export function createLaunchTemplate(world: SimWorld, params: URLSearchParams): XmlFields {
  const name = params.get("LaunchTemplateName") ?? "";
  if (name === "") throw missing("LaunchTemplateName");
  if (!LT_NAME.test(name))
    throw invalid(
      `Launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'`,
    );
  if (findLaunchTemplate(world, { name }) !== undefined) {
    throw new SimApiError("InvalidLaunchTemplateName.AlreadyExistsException", `Launch template name already in use.`, 400);
  }
  if ([...params.keys()].every((k) => !k.startsWith("LaunchTemplateData."))) throw missing("LaunchTemplateData");
  const data = readTemplateData(params, undefined);
  const tags: Record<string, string> = {};
  for (const spec of queryListItems(params, "TagSpecification")) {
    if ((spec.get("ResourceType") ?? "launch-template") === "launch-template") Object.assign(tags, readTags(spec, "Tag"));
  }
  const all = launchTemplates(world);
  const id = `lt-0${hex(`${world.config.accountId}:${name}:${world.nowMs}:${all.size}`, 16)}`;
  const template: SimLaunchTemplate = {
    id,
    name,
    createdAtMs: world.nowMs,
    defaultVersion: 1,
    latestVersion: 1,
    versions: [{ versionNumber: 1, description: params.get("VersionDescription") ?? undefined, createdAtMs: world.nowMs, ...data }],
    tags,
  };
  all.set(id, template);
  return { launchTemplate: templateXml(world, template) };
}

export function createLaunchTemplateVersion(world: SimWorld, params: URLSearchParams): XmlFields {
  const template = requestedTemplate(world, params);
  const sourceText = params.get("SourceVersion");
  let base: SimLaunchTemplateVersion | undefined;
  if (sourceText !== null && sourceText !== "") {
    base = resolveTemplateVersion(template, sourceText);
    if (base === undefined) {
      throw new SimApiError(
        "InvalidLaunchTemplateId.VersionNotFound",
        `Could not find launch template version ${sourceText} for template ${template.id}.`,
        400,
      );
    }
  }
  if (base === undefined && [...params.keys()].every((k) => !k.startsWith("LaunchTemplateData."))) throw missing("LaunchTemplateData");
  const version: SimLaunchTemplateVersion = {
    versionNumber: template.latestVersion + 1,
    description: params.get("VersionDescription") ?? undefined,
    createdAtMs: world.nowMs,
    ...readTemplateData(params, base),
  };
  template.versions.push(version);
  template.latestVersion = version.versionNumber;
  return { launchTemplateVersion: versionXml(world, template, version) };
}

export function describeLaunchTemplates(world: SimWorld, params: URLSearchParams): XmlFields {
  const ids = queryListValues(params, "LaunchTemplateId");
  const names = queryListValues(params, "LaunchTemplateName");
  let found: SimLaunchTemplate[];
  if (ids.length > 0) {
    found = ids.map((id) => {
      const t = findLaunchTemplate(world, { id });
      if (t === undefined) throw notFoundById(id);
      return t;
    });
  } else if (names.length > 0) {
    found = names.map((name) => {
      const t = findLaunchTemplate(world, { name });
      if (t === undefined) throw notFoundByName(name);
      return t;
    });
  } else {
    found = [...launchTemplates(world).values()];
  }
  for (const filter of queryListItems(params, "Filter")) {
    const name = filter.get("Name") ?? "";
    const values = queryListValues(filter, "Value");
    if (name === "launch-template-name") found = found.filter((t) => values.includes(t.name));
    else if (name.startsWith("tag:")) found = found.filter((t) => values.includes(t.tags[name.slice(4)] ?? "\u0000"));
    else throw invalid(`The filter '${name}' is invalid`);
  }
  return {
    launchTemplates: xmlList(
      "item",
      found.map((t) => templateXml(world, t)),
    ),
  };
}

export function describeLaunchTemplateVersions(world: SimWorld, params: URLSearchParams): XmlFields {
  const template = requestedTemplate(world, params);
  const requested = queryListValues(params, "LaunchTemplateVersion");
  let versions: SimLaunchTemplateVersion[];
  if (requested.length > 0) {
    versions = requested.map((v) => {
      const found = resolveTemplateVersion(template, v);
      if (found === undefined) {
        throw new SimApiError(
          "InvalidLaunchTemplateId.VersionNotFound",
          `Could not find launch template version ${v} for template ${template.id}.`,
          400,
        );
      }
      return found;
    });
  } else {
    const min = queryInt(params, "MinVersion");
    const max = queryInt(params, "MaxVersion");
    if (min === "invalid" || max === "invalid") throw invalid("MinVersion and MaxVersion must be version numbers.");
    versions = template.versions.filter((v) => (min === undefined || v.versionNumber >= min) && (max === undefined || v.versionNumber <= max));
    // EC2 lists the newest version first.
    versions = [...versions].sort((a, b) => b.versionNumber - a.versionNumber);
  }
  return {
    launchTemplateVersionSet: xmlList(
      "item",
      versions.map((v) => versionXml(world, template, v)),
    ),
  };
}

export function modifyLaunchTemplate(world: SimWorld, params: URLSearchParams): XmlFields {
  const template = requestedTemplate(world, params);
  const wanted = params.get("SetDefaultVersion");
  if (wanted !== null && wanted !== "") {
    const version = resolveTemplateVersion(template, wanted);
    if (version === undefined) {
      throw new SimApiError(
        "InvalidLaunchTemplateId.VersionNotFound",
        `Could not find launch template version ${wanted} for template ${template.id}.`,
        400,
      );
    }
    template.defaultVersion = version.versionNumber;
  }
  return { launchTemplate: templateXml(world, template) };
}

export function deleteLaunchTemplate(world: SimWorld, params: URLSearchParams): XmlFields {
  const template = requestedTemplate(world, params);
  // EC2 does not check whether an Auto Scaling group still uses the template; its launches then fail.
  launchTemplates(world).delete(template.id);
  return { launchTemplate: templateXml(world, template) };
}
