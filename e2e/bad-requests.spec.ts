// The bad-input suite over the wire, against the production build: requests no browser of Teal's
// would send (server-action posts from another origin, action bodies that are not what React
// encodes, over-long bodies, paths that are not valid percent-encoding) are answered 4xx, never
// 5xx, before they reach Next's action handler. test/security/bad-input.test.ts covers the actions'
// and routes' own validation in process; this covers what Next would otherwise answer first.
import { expect, request as http, test, type APIRequestContext } from "@playwright/test";
import { actionId, APP_ID, signIn } from "./helpers";

interface Probe {
  name: string;
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The 4xx statuses this request may get. */
  expect: number[];
}

const TEXT = "text/plain;charset=UTF-8";

function probes(baseURL: string): Probe[] {
  const abort = actionId("abortOperation");
  const missing = JSON.stringify([{ appId: APP_ID, operationId: "no-such-operation" }]);
  const action = (name: string, body: string | Buffer, extra: Record<string, string> = {}, id = abort): Probe => ({
    name,
    method: "POST",
    path: `/apps/${APP_ID}`,
    headers: { "next-action": id, origin: baseURL, "content-type": TEXT, accept: "text/x-component", ...extra },
    body,
    expect: [400],
  });
  const list: Probe[] = [
    { ...action("foreign origin", missing, { origin: "https://evil.example" }), expect: [403] },
    { ...action("origin null", missing, { origin: "null" }), expect: [403] },
    { ...action("no origin, a foreign referer", missing, { origin: "", referer: "https://evil.example/x" }), expect: [403] },
    { ...action("foreign forwarded host", missing, { "x-forwarded-host": "evil.example" }), expect: [403] },
    // Next's own answers, already 4xx: no such action in this build, not an action id.
    { ...action("unknown action id", missing, {}, "00".repeat(21)), expect: [404, 409] },
    { ...action("action id that is not one", missing, {}, "../../etc/passwd"), expect: [400, 404] },
    action("non-JSON body", "{not json"),
    action("empty body", ""),
    action("truncated JSON", `[{"appId":"${APP_ID}"`),
    action("NUL bytes", "\u0000\u0000"),
    action("an object, not the list of arguments", JSON.stringify({ appId: APP_ID })),
    { ...action("over 1 MB", JSON.stringify([{ appId: APP_ID, operationId: "x".repeat(1_100_000) }])), expect: [413] },
    { ...action("over 1 MB, not JSON", Buffer.alloc(1_200_000, 0x7b)), expect: [413] },
    {
      ...action("multipart with a bad boundary", '--x\r\ncontent-disposition: form-data; name="0"\r\n\r\n[]\r\n--x--\r\n', {
        "content-type": "multipart/form-data; boundary=y",
      }),
      expect: [415],
    },
    {
      ...action("multipart with a reference to a missing part", '--x\r\ncontent-disposition: form-data; name="0"\r\n\r\n["$F1"]\r\n--x--\r\n', {
        "content-type": "multipart/form-data; boundary=x",
      }),
      expect: [415],
    },
    { ...action("urlencoded body", "0=%5B%22%24F1%22%5D", { "content-type": "application/x-www-form-urlencoded" }), expect: [415] },
    {
      name: "form post naming an action by reference (no next-action header)",
      method: "POST",
      path: `/apps/${APP_ID}`,
      headers: { origin: baseURL, "content-type": "multipart/form-data; boundary=x" },
      body: `--x\r\ncontent-disposition: form-data; name="$ACTION_REF_1"\r\n\r\n\r\n--x\r\ncontent-disposition: form-data; name="$ACTION_1:0"\r\n\r\n{"id":"${abort}","bound":"$@1"}\r\n--x\r\ncontent-disposition: form-data; name="$ACTION_1:1"\r\n\r\n["$F9"]\r\n--x--\r\n`,
      expect: [405],
    },
  ];
  // React's reply encoding: "$" and a letter refer to another part of the request (a form, a map,
  // a set, a blob, a promise, an iterator…). A text body has no other part.
  for (const tag of [
    "F",
    "K",
    "Q",
    "W",
    "B",
    "@",
    "i",
    "h",
    "T",
    "R",
    "r",
    "X",
    "x",
    "A",
    "O",
    "o",
    "U",
    "S",
    "s",
    "L",
    "l",
    "G",
    "g",
    "M",
    "m",
    "V",
  ]) {
    list.push(action(`"$${tag}1" reference`, JSON.stringify([`$${tag}1`])));
    list.push(action(`"$${tag}1" reference in a field`, JSON.stringify([{ appId: APP_ID, operationId: `$${tag}1` }])));
  }
  list.push(
    action('"$0" self reference', JSON.stringify(["$0"])),
    action('"$Z" reference', JSON.stringify(["$Z"])),
    action("path reference", JSON.stringify(["$1:a:b:c"])),
  );
  for (const path of [
    "/apps/%",
    "/apps/%ZZ",
    "/%",
    "/apps/%E0%A4%A",
    "/overview/%C0%AF",
    "/api/apps/%ZZ/snapshot",
    "/api/apps/%/snapshot",
    "/api/apps/%E0%A4%A/plan?intent=rollback",
    "/api/%",
    "/api/apps/%C0%AF/snapshot",
    "/api/auth/%",
  ]) {
    list.push({ name: `GET ${path}`, method: "GET", path, expect: [400] });
  }
  // Plan previews the intent schema refuses, for every kind: 400 signed in, 401 signed out.
  for (const path of [
    "/api/apps/shop/plan?intent=%",
    "/api/apps/shop/plan?intent=__proto__",
    "/api/apps/shop/plan?intent=shift&greenPercent=%ZZ",
    "/api/apps/shop/plan?intent=shift&greenPercent=1e1",
    "/api/apps/payments-api/plan?intent=standby-enter&color=blue&instanceIds=i-1,,i-2",
    "/api/apps/payments-api/plan?intent=standby-exit&color=%E0%A4%A",
    "/api/apps/payments-api/plan?intent=scale-green&capacity=-1",
    "/api/apps/notifications/plan?intent=deploy-revision&taskDefinition=%C0%AF",
    "/api/apps/notifications/plan?intent=deploy-revision",
  ]) {
    list.push({ name: `GET ${path}`, method: "GET", path, expect: [400, 401] });
  }
  // A malformed query string is the page's to read: it must not fail either.
  for (const path of ["/history?actor=%", `/apps/${APP_ID}?range=%ZZ`, "/api/history/operations?limit=%", "/wall?token=%"]) {
    list.push({ name: `GET ${path}`, method: "GET", path, expect: [200, 303, 307, 400, 401] });
  }
  return list;
}

async function send(request: APIRequestContext, p: Probe): Promise<number> {
  const res =
    p.method === "GET"
      ? await request.get(p.path, { headers: p.headers ?? {}, maxRedirects: 0 })
      : await request.post(p.path, { headers: p.headers ?? {}, data: p.body ?? "", maxRedirects: 0 });
  return res.status();
}

test("malformed and cross-origin requests are answered 4xx by the built server, none 5xx", async ({ page, baseURL }) => {
  await signIn(page, "admin@example.com");
  const list = probes(baseURL ?? "");
  const fivexx: string[] = [];
  const unexpected: string[] = [];
  // Signed in as an admin, and signed out.
  const anonymous = await http.newContext({ baseURL });
  for (const request of [page.request, anonymous]) {
    for (const p of list) {
      const status = await send(request, p);
      if (status >= 500) fivexx.push(`${p.name}: ${status}`);
      else if (!p.expect.includes(status)) unexpected.push(`${p.name}: ${status} (expected ${p.expect.join(" or ")})`);
    }
  }
  console.log(`[bad-requests] ${list.length * 2} requests, ${fivexx.length} answered 5xx`);
  expect(fivexx).toEqual([]);
  expect(unexpected).toEqual([]);

  // A well-formed action from the page's own origin still runs: there is no such operation to abort.
  const same = await page.request.post(`/apps/${APP_ID}`, {
    headers: { "next-action": actionId("abortOperation"), origin: baseURL ?? "", "content-type": TEXT, accept: "text/x-component" },
    data: JSON.stringify([{ appId: APP_ID, operationId: "no-such-operation" }]),
  });
  expect(same.status()).toBe(200);
  expect(await same.text()).toContain("not_found");
  await anonymous.dispose();
});
