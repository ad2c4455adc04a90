// The widget and the inbox in real Chromium (Debian's, driven by playwright-core) against
// a real tandemd in demo mode serving the widget's build. Screenshots of failures go to
// .data/artifacts (TANDEM_ARTIFACTS_DIR).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startTandemd, type Tandemd } from "../../ts/dist/test/tandemd.js";
import { createTandemClient, newIdempotencyKey } from "../../ts/dist/src/node.js";

const widgetDir = fileURLToPath(new URL("../dist", import.meta.url));
const artifacts = process.env.TANDEM_ARTIFACTS_DIR ?? resolve(widgetDir, "../../../.data/artifacts");
const chromiumFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Scenarios that need work landing on other branches: the real agent with skills and the demo store (H2/H3) and HandoffService (H4). */
const needsAgent = process.env.TANDEM_E2E_AGENT === "1" ? false : "needs the skilled agent and demo store (H2/H3) and HandoffService (H4); run with TANDEM_E2E_AGENT=1 once they are merged";

let server: Tandemd;
let browser: Browser;

before(async () => {
  server = await startTandemd({ demo: true, widgetDir });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumFlags });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** scenario runs fn in a fresh browser context and keeps a screenshot of every page if it fails. */
function scenario(name: string, fn: (page: Page, ctx: BrowserContext) => Promise<void>, opts: { skip?: string | false } = {}): void {
  test(name, { skip: opts.skip }, async () => {
    const ctx = await browser.newContext({ baseURL: server.baseUrl });
    const page = await ctx.newPage();
    try {
      await fn(page, ctx);
    } catch (err) {
      mkdirSync(artifacts, { recursive: true });
      const slug = name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
      for (const [i, p] of ctx.pages().entries()) {
        await p.screenshot({ path: join(artifacts, `${slug}-${i}.png`), fullPage: true }).catch(() => {});
      }
      throw err;
    } finally {
      await ctx.close();
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

async function say(page: Page, text: string): Promise<void> {
  const before = await page.locator(".tw-log .msg-ai").count();
  await input(page).fill(text);
  await input(page).press("Enter");
  await page.locator(".tw-log .msg-visitor:not(.msg-pending)", { hasText: text }).waitFor();
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

scenario(
  "a logged-in customer asks where her order is and gets an order card with its button",
  async (page) => {
    await page.goto("/");
    await page.getByLabel(/Log in as Ava Chen/).check();
    await launcher(page).click();
    await page.locator(".tw-log .msg-ai").first().waitFor();
    await say(page, "Where is my order?");
    const card = page.locator(".tw-log .card-order").last();
    await card.waitFor();
    assert.match(await card.innerText(), /#10\d\d/);
    const action = card.locator(".card-actions a, .card-actions button").first();
    assert.match(await action.innerText(), /\w/);
    const href = await action.getAttribute("href");
    if (href) {
      assert.match(href, /^https:\/\//);
      assert.equal(await action.getAttribute("target"), "_blank");
    }
  },
  { skip: needsAgent },
);

scenario(
  "handoff: ask for a person, consent, give an email, and the team answers live from the inbox",
  async (page, ctx) => {
    await openChat(page);
    await say(page, "Can I talk to a person please?");
    const replies = page.getByRole("group", { name: "Suggested replies" });
    await replies.waitFor();
    await replies.getByRole("button", { name: /yes/i }).click();
    const email = page.getByLabel(/Your email address/);
    await email.waitFor();
    assert.equal(await page.locator(".tandem-widget").getAttribute("data-status"), "AWAITING_EMAIL");
    await email.fill("sam.visitor@example.com");
    await email.press("Enter");
    await page.locator(".tandem-widget[data-status=WITH_TEAM]").waitFor();

    const inbox = await ctx.browser()!.newContext({ baseURL: server.baseUrl });
    try {
      const agent = await inbox.newPage();
      await agent.goto(`/inbox.html#key=${server.demoEnv.TANDEM_SUPPORT_KEY}`);
      await agent.getByRole("button", { name: /sam\.visitor@example\.com/ }).first().click();
      await agent.getByRole("button", { name: "Claim" }).click();
      await agent.getByLabel("Your reply").fill("Hi, this is the Northwind team. How can we help?");
      await agent.getByRole("button", { name: "Send reply" }).click();
      await page.locator(".tw-log .msg-human", { hasText: "this is the Northwind team" }).waitFor();
      await agent.getByRole("button", { name: "Resolve" }).click();
    } finally {
      await inbox.close();
    }
  },
  { skip: needsAgent },
);
