import { authorizedJson } from "@/lib/http/route";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// The webhooks (URLs redacted, never a secret) and their last deliveries with every attempt: admins only.
export async function GET() {
  return authorizedJson("admin", async () => {
    const store = await getStore();
    const [webhooks, deliveries] = await Promise.all([store.webhooks.listWebhooks(), store.webhooks.listDeliveries({ limit: 50 })]);
    return { webhooks, deliveries };
  });
}
