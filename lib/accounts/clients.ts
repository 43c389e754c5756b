/**
 * The AWS clients of the account commands (`teal validate`, `teal discover`), which talk to AWS
 * directly as the server does: `AWS_ENDPOINT_URL` (the practice range) or AWS itself, the SDK's
 * default credential chain, and an application's `assumeRole` when it names one. One set per
 * Region and role, each role assumed once.
 */
import { assumedRoleCredentials, roleKey, type AssumeRoleSpec, type TealCredentials } from "@/lib/aws/assume-role";
import { createClients, serverCredentials, type AwsClients } from "@/lib/aws/clients";

export interface AccountEnv {
  AWS_ENDPOINT_URL?: string | undefined;
  AWS_REGION?: string | undefined;
}

export type ClientsFor = (region: string, role?: AssumeRoleSpec) => AwsClients;

export function accountClients(env: AccountEnv): ClientsFor {
  const endpoint = env.AWS_ENDPOINT_URL === undefined || env.AWS_ENDPOINT_URL === "" ? undefined : env.AWS_ENDPOINT_URL;
  const roles = new Map<string, () => Promise<TealCredentials>>();
  const sets = new Map<string, AwsClients>();
  return (region, role) => {
    const key = `${region}\n${roleKey(role)}`;
    let set = sets.get(key);
    if (!set) {
      let credentials: (() => Promise<TealCredentials>) | undefined;
      if (role !== undefined) {
        credentials = roles.get(roleKey(role));
        if (!credentials) {
          credentials = assumedRoleCredentials(role, {
            region: env.AWS_REGION ?? region,
            endpoint,
            source: serverCredentials(endpoint),
            userAgent: "teal/cli",
          });
          roles.set(roleKey(role), credentials);
        }
      }
      set = createClients({ region, endpoint, userAgent: "teal/cli", ...(credentials ? { credentials } : {}) });
      sets.set(key, set);
    }
    return set;
  };
}
