// The TS client against a real tandemd on a real database.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  Author,
  Channel,
  Code,
  ConnectError,
  ConversationStatus,
  EventType,
  createTandemClient,
  newIdempotencyKey,
  watchConversation,
  type ConversationEvent,
  type WatchState,
} from "../src/node.js";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { createAccount, freePort, startProxy, startTandemd, type Account, type Tandemd } from "./tandemd.js";

let server: Tandemd;
let account: Account;

before(async () => {
  server = await startTandemd();
  account = await createAccount("TS client tests");
});
after(async () => {
  await server?.stop();
});

/** startVisitor starts a web chat conversation and returns a client holding its visitor token. */
async function startVisitor(baseUrl = server.baseUrl) {
  const site = createTandemClient({ baseUrl: server.baseUrl, siteKey: account.siteKey });
  const res = await site.conversations.startConversation({ channel: Channel.WEBCHAT, locale: "en-US" });
  const visitor = createTandemClient({ baseUrl, visitorToken: res.visitorToken });
  return { res, visitor, id: res.conversation!.id };
}

test("a visitor starts a conversation, writes, and retries safely", async () => {
  const { res, visitor, id } = await startVisitor();
  assert.equal(res.conversation?.status, ConversationStatus.AI_ACTIVE);
  assert.ok(res.visitorToken.startsWith("tdm_vt_"));
  assert.equal(res.messages[0]?.author, Author.AI_AGENT, "the greeting comes first");

  const key = newIdempotencyKey();
  const sent = await visitor.conversations.sendMessage({ conversationId: id, idempotencyKey: key, content: { case: "text", value: "Where is my order?" } });
  assert.equal(sent.messages[0].author, Author.VISITOR);
  assert.equal(sent.messages[0].text, "Where is my order?");
  assert.ok(sent.messages.length >= 2, "the agent answers in the same call");

  const again = await visitor.conversations.sendMessage({ conversationId: id, idempotencyKey: key, content: { case: "text", value: "Where is my order?" } });
  assert.deepEqual(again.messages.map((m) => m.id), sent.messages.map((m) => m.id), "a retry returns the original turn");
  const got = await visitor.conversations.getConversation({ conversationId: id });
  assert.equal(got.messages.length, res.messages.length + sent.messages.length, "and writes nothing again");
});

test("requests that break the contract fail locally with InvalidArgument and violations", async () => {
  // Nothing listens there: a request that left the client would fail with Unavailable.
  const offline = createTandemClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, visitorToken: "tdm_vt_x" });
  const err = await offline.conversations
    .sendMessage({ conversationId: "not-a-uuid", idempotencyKey: "short", content: { case: "text", value: "   " } })
    .catch((e: unknown) => ConnectError.from(e));
  assert.ok(err instanceof ConnectError);
  assert.equal(err.code, Code.InvalidArgument, err.message);
  const violations = err.findDetails(ViolationsSchema)[0]?.violations ?? [];
  const fields = violations.map((v) => v.field?.elements.map((e) => e.fieldName).join(".")).sort();
  assert.deepEqual(fields, ["conversation_id", "idempotency_key", "text"]);

  const unchecked = createTandemClient({ baseUrl: server.baseUrl, visitorToken: "tdm_vt_x", validate: false });
  const serverErr = await unchecked.conversations.getConversation({ conversationId: "nope" }).catch((e: unknown) => ConnectError.from(e));
  assert.ok(serverErr instanceof ConnectError);
  assert.ok([Code.InvalidArgument, Code.Unauthenticated].includes(serverErr.code), "with validation off, the server answers");
});

test("staff list conversations over Connect, gRPC and gRPC-Web; a visitor token reaches only its conversation", async () => {
  const { id } = await startVisitor();
  for (const protocol of ["connect", "grpc", "grpc-web"] as const) {
    const staff = createTandemClient({ baseUrl: server.baseUrl, apiKey: account.keys.OWNER, protocol });
    const list = await staff.conversations.listConversations({ pageSize: 100 });
    assert.ok(list.conversations.some((c) => c.id === id), `${protocol}: the new conversation is listed`);
  }
  const other = await startVisitor();
  const err = await other.visitor.conversations.getConversation({ conversationId: id }).catch((e: unknown) => ConnectError.from(e));
  assert.equal((err as ConnectError).code, Code.PermissionDenied);
});

/** collect reads watch events into a list until stop() is called. */
function collector(events: AsyncIterable<ConversationEvent>) {
  const got: ConversationEvent[] = [];
  const waiters: Array<() => void> = [];
  const done = (async () => {
    for await (const e of events) {
      got.push(e);
      waiters.splice(0).forEach((w) => w());
    }
  })();
  const until = async (pred: (got: ConversationEvent[]) => boolean, what: string, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!pred(got)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; got ${got.map((e) => EventType[e.type]).join(", ")}`);
      }
      await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 100))]);
    }
  };
  return { got, done, until };
}

const messageTexts = (events: ConversationEvent[]) =>
  events.flatMap((e) => (e.payload.case === "message" ? [`${Author[e.payload.value.author]}:${e.payload.value.text}`] : []));

test("watching a conversation delivers its events in order, then live ones, and ends when it closes", async () => {
  const { visitor, id } = await startVisitor();
  const ctl = new AbortController();
  const c = collector(watchConversation(visitor.conversations, { conversationId: id, signal: ctl.signal }));
  await c.until((g) => g.some((e) => e.type === EventType.CONVERSATION_STARTED), "the replayed start");
  await visitor.conversations.sendMessage({ conversationId: id, idempotencyKey: newIdempotencyKey(), content: { case: "text", value: "hello" } });
  await c.until((g) => messageTexts(g).includes("VISITOR:hello") && messageTexts(g).length >= 3, "the visitor message and the reply");
  const stored = c.got.filter((e) => e.type !== EventType.TYPING_STARTED && e.type !== EventType.TYPING_STOPPED);
  const seqs = stored.map((e) => e.sequence);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => (a < b ? -1 : 1)), "in sequence order");
  assert.equal(new Set(seqs).size, seqs.length, "no event twice");

  await visitor.conversations.closeConversation({ conversationId: id, reason: "done" });
  await c.done; // the watch ends by itself on CLOSED
  const last = c.got.at(-1);
  assert.equal(last?.payload.case === "statusChange" && last.payload.value.to, ConversationStatus.CLOSED);
});

test("a watch resumes after a network cut from the last sequence: nothing lost, nothing twice", async () => {
  const proxy = await startProxy(server.baseUrl);
  try {
    const { visitor: direct, id, res } = await startVisitor();
    const viaProxy = createTandemClient({ baseUrl: proxy.baseUrl, visitorToken: res.visitorToken });
    const states: WatchState[] = [];
    const ctl = new AbortController();
    const w = watchConversation(viaProxy.conversations, {
      conversationId: id, signal: ctl.signal, minDelayMs: 50, maxDelayMs: 200, onState: (s) => states.push(s),
    });
    const c = collector(w);
    const say = (text: string) =>
      direct.conversations.sendMessage({ conversationId: id, idempotencyKey: newIdempotencyKey(), content: { case: "text", value: text } });

    await say("before the cut");
    await c.until((g) => messageTexts(g).includes("VISITOR:before the cut"), "the first message");

    proxy.cut();
    await say("during the cut 1");
    await say("during the cut 2");
    await new Promise((r) => setTimeout(r, 300)); // a few failed reconnects
    assert.ok(!messageTexts(c.got).includes("VISITOR:during the cut 1"), "the cut really cut the stream");
    proxy.restore();

    await c.until((g) => messageTexts(g).includes("VISITOR:during the cut 2"), "the missed messages");
    await say("after the cut");
    const full = await direct.conversations.getConversation({ conversationId: id });
    await c.until((g) => messageTexts(g).length === full.messages.length, "every message");

    assert.ok(states.includes("reconnecting"), `the watch noticed the cut (states: ${states.join(", ")})`);
    const watched = c.got.flatMap((e) => (e.payload.case === "message" ? [e.payload.value.id] : []));
    assert.deepEqual(watched, full.messages.map((m) => m.id), "exactly the transcript, in order, each message once");
    ctl.abort();
    await c.done;
  } finally {
    await proxy.close();
  }
});

test("a watch with a credential the server refuses gives up instead of retrying", async () => {
  const { id } = await startVisitor();
  const stranger = createTandemClient({ baseUrl: server.baseUrl, visitorToken: "tdm_vt_not-a-real-token" });
  const err = await (async () => {
    for await (const _ of watchConversation(stranger.conversations, { conversationId: id })) {
      // no events expected
    }
  })().catch((e: unknown) => ConnectError.from(e));
  assert.equal((err as ConnectError).code, Code.Unauthenticated);
});
