// The team inbox: a SUPPORT user lists handoffs, claims one, follows its transcript live
// and replies into the visitor's chat, then resolves it. Everything goes through
// HandoffService and WatchConversation with the user's API key.
import {
  Code,
  ConnectError,
  HandoffReason,
  HandoffStatus,
  createTandemClient,
  newIdempotencyKey,
  timestampDate,
  watchConversation,
  withRetry,
  type Handoff,
  type Message,
  type TandemClient,
} from "@tandem/client";
import { h } from "./dom.js";
import { renderMessage } from "./render.js";

const keyStorage = "tandem.inbox.key";
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const list = byId<HTMLUListElement>("handoffs");
const listStatus = byId<HTMLElement>("list-status");
const title = byId<HTMLElement>("detail-title");
const info = byId<HTMLElement>("detail-info");
const transcript = byId<HTMLOListElement>("transcript");
const claim = byId<HTMLButtonElement>("claim");
const resolve = byId<HTMLButtonElement>("resolve");
const replyForm = byId<HTMLFormElement>("reply-form");
const reply = byId<HTMLTextAreaElement>("reply");
const send = byId<HTMLButtonElement>("send");
const detailError = byId<HTMLElement>("detail-error");

let client: TandemClient | undefined;
let selected: Handoff | undefined;
let watchStop: AbortController | undefined;
const shown = new Set<string>();

/** explain turns an error into words an agent can act on. */
function explain(err: unknown): string {
  const ce = ConnectError.from(err);
  switch (ce.code) {
    case Code.Unimplemented:
      return "This server does not serve the inbox yet (HandoffService is not implemented).";
    case Code.Unauthenticated:
      return "That key is not valid: paste TANDEM_SUPPORT_KEY from .data/demo.env.";
    case Code.PermissionDenied:
      return `Not allowed: ${ce.rawMessage}`;
    default:
      return ce.rawMessage;
  }
}

const reasonText: Record<HandoffReason, string> = {
  [HandoffReason.UNSPECIFIED]: "Handed off",
  [HandoffReason.VISITOR_REQUESTED]: "Asked for a person",
  [HandoffReason.SKILL_UNAVAILABLE]: "Skill unavailable",
  [HandoffReason.LOW_CONFIDENCE]: "Assistant unsure",
  [HandoffReason.TOOL_FAILURE]: "A lookup failed",
  [HandoffReason.NO_ANSWER]: "No answer found",
};

async function refresh(): Promise<void> {
  if (!client) {
    return;
  }
  try {
    const res = await withRetry(() => client!.handoffs.listHandoffs({ pageSize: 50, statuses: [HandoffStatus.PENDING, HandoffStatus.CLAIMED] }));
    const focused = list.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.handoffId : undefined;
    list.replaceChildren(
      ...res.handoffs.map((x) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "inbox-item", "data-handoff-id": x.id, "aria-current": String(x.id === selected?.id), onclick: () => void select(x.id) },
            h("strong", {}, x.email || x.profileId || "Anonymous visitor"),
            h("small", {}, `${reasonText[x.reason]} · ${HandoffStatus[x.status].toLowerCase()}`),
            h("small", {}, x.triggerQuestion ? `“${x.triggerQuestion}”` : ""),
            h("small", {}, x.createTime ? timestampDate(x.createTime).toLocaleString() : ""),
          ),
        ),
      ),
    );
    if (focused) {
      // Keep a keyboard user's place across refreshes.
      list.querySelector<HTMLElement>(`[data-handoff-id="${CSS.escape(focused)}"]`)?.focus();
    }
    listStatus.textContent = res.handoffs.length === 0 ? "No conversations are waiting for the team." : "";
  } catch (err) {
    listStatus.textContent = explain(err);
  }
}

function showHandoff(x: Handoff): void {
  selected = x;
  title.textContent = x.email || x.profileId || "Anonymous visitor";
  info.textContent = `${reasonText[x.reason]} · ${HandoffStatus[x.status].toLowerCase()}${x.assignee?.name ? ` · claimed by ${x.assignee.name}` : ""}`;
  const claimed = x.status === HandoffStatus.CLAIMED;
  claim.disabled = x.status !== HandoffStatus.PENDING;
  resolve.disabled = x.status === HandoffStatus.RESOLVED;
  reply.disabled = send.disabled = !claimed;
  for (const b of list.querySelectorAll<HTMLElement>(".inbox-item")) {
    b.setAttribute("aria-current", String(b.dataset.handoffId === x.id));
  }
}

function addMessage(m: Message): void {
  if (shown.has(m.id)) {
    return;
  }
  shown.add(m.id);
  transcript.append(renderMessage(m, { visitorName: "Visitor" }));
  transcript.scrollTop = transcript.scrollHeight;
}

async function select(handoffId: string): Promise<void> {
  if (!client) {
    return;
  }
  detailError.textContent = "";
  watchStop?.abort();
  shown.clear();
  transcript.replaceChildren();
  try {
    const res = await client.handoffs.getHandoff({ handoffId });
    showHandoff(res.handoff!);
    res.messages.forEach(addMessage);
    const stop = new AbortController();
    watchStop = stop;
    const w = watchConversation(client.conversations, { conversationId: res.handoff!.conversationId, afterSequence: res.conversation?.lastSequence ?? 0n, signal: stop.signal });
    void (async () => {
      try {
        for await (const e of w) {
          if (e.payload.case === "message") {
            addMessage(e.payload.value);
          } else if (e.payload.case === "handoff" && e.payload.value.id === selected?.id) {
            showHandoff(e.payload.value);
          }
        }
      } catch (err) {
        detailError.textContent = explain(err);
      }
    })();
  } catch (err) {
    detailError.textContent = explain(err);
  }
}

claim.addEventListener("click", async () => {
  if (!client || !selected) return;
  try {
    const res = await client.handoffs.claimHandoff({ handoffId: selected.id });
    showHandoff(res.handoff!);
    reply.focus();
    void refresh();
  } catch (err) {
    detailError.textContent = explain(err);
  }
});

resolve.addEventListener("click", async () => {
  if (!client || !selected) return;
  try {
    const res = await client.handoffs.resolveHandoff({ handoffId: selected.id, note: "Resolved from the inbox" });
    showHandoff(res.handoff!);
    void refresh();
  } catch (err) {
    detailError.textContent = explain(err);
  }
});

reply.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    replyForm.requestSubmit();
  }
});

replyForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = reply.value.trim();
  if (!client || !selected || text === "") return;
  const key = newIdempotencyKey();
  try {
    const res = await withRetry(() => client!.handoffs.sendAgentMessage({ handoffId: selected!.id, text, idempotencyKey: key }));
    reply.value = "";
    if (res.message) addMessage(res.message);
  } catch (err) {
    detailError.textContent = explain(err);
  }
});

function connectWith(key: string): void {
  sessionStorage.setItem(keyStorage, key);
  client = createTandemClient({ baseUrl: window.location.origin, apiKey: key });
  void refresh();
}

byId<HTMLFormElement>("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const key = byId<HTMLInputElement>("key").value.trim();
  if (key) connectWith(key);
});

const fromHash = new URLSearchParams(window.location.hash.slice(1)).get("key");
const saved = fromHash ?? sessionStorage.getItem(keyStorage);
if (fromHash) {
  history.replaceState(null, "", window.location.pathname);
}
if (saved) {
  byId<HTMLInputElement>("key").value = saved;
  connectWith(saved);
}
setInterval(() => void refresh(), 5000);
