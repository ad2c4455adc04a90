// The widget and the inbox in real Chromium (Debian's, driven by playwright-core) against
// a real tandemd in demo mode serving the widget's build. Screenshots of failures go to
// .data/artifacts (TANDEM_ARTIFACTS_DIR).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { startTandemd, type Tandemd } from "../../ts/dist/test/tandemd.js";
import { createTandemClient, newIdempotencyKey } from "../../ts/dist/src/node.js";

const widgetDir = fileURLToPath(new URL("../dist", import.meta.url));
const artifacts = process.env.TANDEM_ARTIFACTS_DIR ?? resolve(widgetDir, "../../../.data/artifacts");
const chromiumFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let server: Tandemd;
let browser: Browser;

before(async () => {
  // Demo mode on a database of its own: the seeded Northwind account (Ava Chen's orders,
  // the help centre, the inbox handoff) without other tests' accounts.
  const databaseUrl = process.env.TANDEM_BROWSER_DATABASE_URL;
  if (!databaseUrl) {
    throw new Error("TANDEM_BROWSER_DATABASE_URL is not set: run the browser tests with `make test` (or `make test-clients`)");
  }
  server = await startTandemd({ demo: true, widgetDir, databaseUrl });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumFlags });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** scenario runs fn in a fresh browser context and keeps a screenshot of every page (also
 * of the contexts fn opens with another, like the inbox's) if it fails. */
function scenario(name: string, fn: (page: Page, ctx: BrowserContext, another: () => Promise<Page>) => Promise<void>): void {
  test(name, async () => {
    const contexts: BrowserContext[] = [];
    const open = async () => {
      const ctx = await browser.newContext({ baseURL: server.baseUrl });
      ctx.setDefaultTimeout(10_000);
      contexts.push(ctx);
      return ctx.newPage();
    };
    const page = await open();
    try {
      await fn(page, contexts[0], open);
    } catch (err) {
      mkdirSync(artifacts, { recursive: true });
      const slug = name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
      const pages = contexts.flatMap((c) => c.pages());
      for (const [i, p] of pages.entries()) {
        await p.screenshot({ path: join(artifacts, `${slug}-${i}.png`), fullPage: true }).catch(() => {});
      }
      throw err;
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  });
}

const launcher = (page: Page) => page.getByRole("button", { name: "Chat with us" });
const input = (page: Page) => page.getByLabel("Your message");
/** Delivered (not pending) messages in the widget's log. */
const delivered = (page: Page) => page.locator(".tw-log .msg:not(.msg-pending)");

async function openChat(page: Page): Promise<void> {
  await page.goto("/");
  await launcher(page).click();
  await page.locator(".tw-log .msg-ai").first().waitFor();
}

/** write sends text and waits until the server has it. */
async function write(page: Page, text: string): Promise<void> {
  await input(page).fill(text);
  await input(page).press("Enter");
  await page.locator(".tw-log .msg-visitor:not(.msg-pending)", { hasText: text }).waitFor();
}

/** say sends text and waits for the assistant's answer. */
async function say(page: Page, text: string): Promise<void> {
  const before = await page.locator(".tw-log .msg-ai").count();
  await write(page, text);
  await page.waitForFunction((n) => document.querySelectorAll(".tw-log .msg-ai").length > n, before);
}

async function messageIds(page: Page): Promise<string[]> {
  return delivered(page).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id ?? ""));
}

async function saved(page: Page): Promise<{ conversationId: string; visitorToken: string; expireMs: number }> {
  const raw = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith("tandem.chat."))?.[1]);
  assert.ok(raw, "the conversation is kept in localStorage");
  return JSON.parse(raw);
}

scenario("the widget opens with the greeting, sends a message and shows the reply", async (page) => {
  await openChat(page);
  const greeting = page.locator(".tw-log .msg-ai").first();
  assert.match(await greeting.locator(".msg-text").innerText(), /\w/);
  assert.equal(await greeting.locator("time").count(), 1, "messages carry a timestamp");
  await say(page, "Hello, is anyone there?");
  const last = page.locator(".tw-log .msg-ai").last();
  assert.match(await last.innerText(), /\w/);
  const ids = await messageIds(page);
  assert.equal(new Set(ids).size, ids.length, "each message once");
  assert.equal(await page.getByRole("log", { name: "Messages" }).getAttribute("aria-live"), "polite");
});

scenario("keyboard only: open, write, send, close and get focus back", async (page) => {
  await page.goto("/");
  for (let i = 0; i < 15 && !(await launcher(page).evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  assert.ok(await launcher(page).evaluate((el) => el === document.activeElement), "the launcher is reachable with Tab");
  await page.keyboard.press("Enter");
  await page.locator(".tw-log .msg-ai").first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "tw-input", "opening focuses the message box");
  await page.keyboard.type("Typed without a mouse");
  await page.keyboard.press("Enter");
  await page.locator(".tw-log .msg-visitor:not(.msg-pending)", { hasText: "Typed without a mouse" }).waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Send", "Tab moves from the message box to Send");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#tw-panel").isHidden(), true, "Escape closes the panel");
  assert.ok(await launcher(page).evaluate((el) => el === document.activeElement), "focus returns to the launcher");
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "false");
});

scenario("a network cut and reconnect lose and duplicate nothing", async (page, ctx) => {
  await openChat(page);
  await say(page, "before the cut");
  const { conversationId, visitorToken } = await saved(page);
  const api = createTandemClient({ baseUrl: server.baseUrl, visitorToken });

  await ctx.setOffline(true);
  await server.restart(); // every open stream is cut
  await page.locator(".tandem-widget[data-connection=reconnecting]").waitFor();
  // While the browser is offline: a message arrives on the server (as if from another
  // tab), and the visitor writes one that cannot leave yet.
  await api.conversations.sendMessage({ conversationId, idempotencyKey: newIdempotencyKey(), content: { case: "text", value: "sent from another tab" } });
  await input(page).fill("written while offline");
  await input(page).press("Enter");
  await page.getByRole("button", { name: "Retry" }).waitFor();

  await ctx.setOffline(false);
  await page.locator(".tw-log .msg-visitor:not(.msg-pending)", { hasText: "sent from another tab" }).waitFor();
  await page.locator(".tw-log .msg-visitor:not(.msg-pending)", { hasText: "written while offline" }).waitFor();
  await page.locator(".tandem-widget[data-connection=open]").waitFor();

  const transcript = await api.conversations.getConversation({ conversationId });
  const want = transcript.messages.map((m) => m.id);
  await page.waitForFunction((n) => document.querySelectorAll(".tw-log .msg:not(.msg-pending)").length >= n, want.length);
  assert.deepEqual(await messageIds(page), want, "the widget shows exactly the transcript, in order");
  assert.equal(await page.locator(".tw-log .msg-pending").count(), 0);
});

scenario("a reload keeps the conversation; an expired visitor token starts a new one", async (page) => {
  await openChat(page);
  await say(page, "remember me");
  const first = await saved(page);
  const ids = await messageIds(page);

  await page.reload();
  await page.locator(".tw-log .msg-visitor", { hasText: "remember me" }).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll(".tw-log .msg:not(.msg-pending)").length >= n, ids.length);
  assert.deepEqual(await messageIds(page), ids, "the same messages, once each");
  assert.equal((await saved(page)).conversationId, first.conversationId);

  await page.evaluate((k) => {
    const [key, raw] = Object.entries(localStorage).find(([name]) => name.startsWith(k))!;
    localStorage.setItem(key, JSON.stringify({ ...JSON.parse(raw), expireMs: Date.now() - 1000 }));
  }, "tandem.chat.");
  await page.reload();
  await page.locator(".tw-log .msg-ai").first().waitFor();
  await page.waitForFunction((id) => document.querySelector(".tandem-widget")?.getAttribute("data-conversation-id") !== id, first.conversationId);
  assert.notEqual((await saved(page)).conversationId, first.conversationId, "a new conversation");
  assert.equal(await page.locator(".tw-log .msg-visitor").count(), 0);
});

/** openChatAsAva opens the demo page logged in as Ava Chen (cust_1001) and opens the chat. */
async function openChatAsAva(page: Page): Promise<void> {
  await page.goto("/");
  await page.getByLabel(/Log in as Ava Chen/).check();
  await page.getByRole("status").filter({ hasText: "Logged in as Ava Chen" }).waitFor();
  await launcher(page).click();
  await page.locator(".tw-log .msg-ai").first().waitFor();
}

/** ask sends text and returns the card of the given kind that the answer shows. */
async function ask(page: Page, text: string, kind: string, title: RegExp): Promise<Locator> {
  await say(page, text);
  const card = page.locator(`.tw-log .card-${kind}`, { has: page.locator(".card-title", { hasText: title }) }).last();
  await card.waitFor();
  return card;
}

/** linkButton asserts the card has a button opening url in a new tab. */
async function linkButton(card: Locator, label: string, url: string): Promise<void> {
  const action = card.locator(".card-actions").getByRole("link", { name: label });
  assert.equal(await action.isVisible(), true, `the card shows a "${label}" button`);
  assert.equal(await action.getAttribute("href"), url);
  assert.equal(await action.getAttribute("target"), "_blank");
}

/** details reads a card's rows as label → value. */
async function details(card: Locator): Promise<Record<string, string>> {
  const rows = await card.locator(".card-row").evaluateAll((els) => els.map((e) => [e.querySelector("dt")!.textContent!, (e.querySelector("dd") as HTMLElement).innerText]));
  return Object.fromEntries(rows);
}

scenario("a logged-in customer asks where her order is and gets an order card with its button", async (page) => {
  await openChatAsAva(page);
  const card = await ask(page, "Where is my order?", "order", /Order #10\d\d/);
  assert.match(await page.locator(".tw-log .msg-ai").last().locator(".msg-text").innerText(), /#1045/, "the answer speaks of her latest order");
  const d = await details(card);
  assert.equal(d.Order, "#1045");
  assert.equal(d.Status, "Being prepared");
  assert.match(d.Items, /Stormline Rain Jacket/);
  assert.match(d.Total, /^\$\d+\.\d\d$/);
  await linkButton(card, "View order", "https://northwind.example/account/orders/1045");
});

scenario("every card type renders for Ava with its details and button", async (page) => {
  await openChatAsAva(page);

  const order = await ask(page, "Where is my order 1042?", "order", /#1042/);
  const shipment = (await details(order)).Shipment;
  assert.match(shipment, /UPS/);
  assert.match(shipment, /arrives/);
  const tracking = order.locator(".card-row a");
  assert.match((await tracking.getAttribute("href")) ?? "", /^https:\/\//, "the tracking number links to the carrier");

  const ret = await ask(page, "I want to return my order 1037", "return", /#1037/);
  assert.equal((await details(ret)).Returnable, "Yes");
  await linkButton(ret, "Start a return", "https://northwind.example/returns?order=1037");

  const sub = await ask(page, "manage my subscription", "subscription", /Camp Coffee - Dark Roast/);
  assert.match((await details(sub))["Delivery"], /every 30 days/);
  await linkButton(sub, "Manage subscription", "https://northwind.example/account/subscriptions");

  const loyalty = await ask(page, "how many points do I have?", "rewards", /820 points/);
  const l = await details(loyalty);
  assert.equal(l.Tier, "Ridge");
  assert.equal(l["Next tier"], "Summit in 680 points");
  await linkButton(loyalty, "Redeem points", "https://northwind.example/account/rewards");

  const coupon = await ask(page, "any coupons?", "coupon", /BDAY-AVA15/);
  const c = await details(coupon);
  assert.equal(c.Code, "BDAY-AVA15");
  assert.equal(c["Just for you"], "Personal coupon");
  for (const code of ["TRAIL20", "WELCOME10"]) {
    await page.locator(".tw-log .card-coupon .coupon-code", { hasText: code }).waitFor();
  }

  const product = await ask(page, "show me rain jackets", "product", /Stormline Rain Jacket/);
  const p = await details(product);
  assert.equal(p.Price, "$149.00");
  assert.equal(p.Availability, "In stock");
  await linkButton(product, "View product", "https://northwind.example/products/stormline-rain-jacket");

  for (const kind of ["order", "return", "subscription", "rewards", "coupon", "product"]) {
    assert.ok((await page.locator(`.tw-log .card-${kind}`).count()) > 0, `a ${kind} card is shown`);
  }
  assert.equal(await page.locator(".tw-log .card-image").count(), 0, "images that cannot load are not shown broken");
});

scenario("handoff: ask for a person, consent, give an email, and the team answers live from the inbox", async (page, _, another) => {
  await openChat(page);
  await say(page, "Can I talk to a person please?");
  const replies = page.getByRole("group", { name: "Suggested replies" });
  await replies.waitFor();
  await replies.getByRole("button", { name: "Yes, connect me" }).click();
  await page.locator(".tandem-widget[data-status=AWAITING_EMAIL]").waitFor();
  await page.locator(".tw-log .msg-visitor:not(.msg-pending)", { hasText: "Yes, connect me" }).waitFor();
  assert.equal(await replies.isHidden(), true, "the quick replies go once answered");

  const email = page.getByLabel(/Your email address/);
  await email.fill("sam at example");
  await email.press("Enter");
  await page.getByRole("alert").filter({ hasText: "valid email address" }).waitFor();
  assert.equal(await email.getAttribute("aria-invalid"), "true");
  await email.fill("sam.visitor@example.com");
  await email.press("Enter");
  await page.locator(".tandem-widget[data-status=WITH_TEAM]").waitFor();
  assert.equal(await page.locator(".tw-error").textContent(), "", "the error goes with a good address");

  const agent = await another(); // the team, in another browser context
  await agent.goto(`/inbox.html#key=${server.demoEnv.TANDEM_SUPPORT_KEY}`);
  await agent.getByRole("button", { name: /sam\.visitor@example\.com/ }).first().click();
  await agent.getByRole("button", { name: "Claim" }).click();
  await agent.getByLabel("Your reply").fill("Hi, this is the Northwind team. How can we help?");
  await agent.getByRole("button", { name: "Send reply" }).click();

  const human = page.locator(".tw-log .msg-human", { hasText: "this is the Northwind team" });
  await human.waitFor();
  assert.equal(await human.locator(".msg-author").innerText(), "Jordan (team)", "the demo's inbox agent by name");
  await page.locator(".tw-log .msg-system", { hasText: "Jordan from our team joined the chat." }).waitFor();
  const background = (l: Locator) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(await background(human), await background(page.locator(".tw-log .msg-ai").last()), "the team's messages look different from the AI's");

  const answers = await page.locator(".tw-log .msg-ai").count();
  await write(page, "My tent pole snapped on the first trip.");
  await agent.locator(".msg-visitor", { hasText: "My tent pole snapped" }).waitFor();
  await agent.getByRole("button", { name: "Resolve" }).click();
  await page.locator(".tandem-widget[data-status=AI_ACTIVE]").waitFor();
  assert.equal(await page.locator(".tw-log .msg-ai").count(), answers, "the AI stayed silent while the team had the conversation");

  // The conversation ends (closed from elsewhere): the widget says so and offers a new one.
  const { conversationId, visitorToken } = await saved(page);
  await createTandemClient({ baseUrl: server.baseUrl, visitorToken }).conversations.closeConversation({ conversationId, reason: "solved" });
  const ended = page.locator(".tw-ended");
  await ended.waitFor();
  assert.match(await ended.innerText(), /This conversation has ended/);
  assert.equal(await input(page).isHidden(), true, "no message box in an ended conversation");
  await ended.getByRole("button", { name: "Start a new conversation" }).click();
  await page.waitForFunction((id) => document.querySelector(".tandem-widget")?.getAttribute("data-conversation-id") !== id, conversationId);
  await input(page).waitFor();
});
