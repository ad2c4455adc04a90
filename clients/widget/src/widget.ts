// The embeddable web chat: a launcher button and a chat panel on the TS client. It keeps
// the conversation (visitor token and id) in localStorage across reloads, follows it live
// with a resuming WatchConversation, and renders cards, quick replies, the handoff's
// email prompt, the team's messages and the ended state.
import {
  Author,
  Channel,
  Code,
  ConnectError,
  ConversationStatus,
  ConversationOutcome,
  EventType,
  createTandemClient,
  newIdempotencyKey,
  timestampDate,
  watchConversation,
  withRetry,
  type Conversation,
  type ConversationEvent,
  type ConversationWatch,
  type Message,
  type SendMessageRequest,
  type TandemClient,
} from "@tandem/client";
import { h } from "./dom.js";
import { renderMessage, type RenderOptions } from "./render.js";

/** Options of mountWidget. */
export type WidgetOptions = {
  /** The account's public site key (tdm_pk_…). */
  siteKey: string;
  /** Tandem's address; default the page's origin. */
  baseUrl?: string;
  /** The brand's name in the header. */
  brandName?: string;
  /** A brand-signed identity token that logs the visitor in. */
  identityToken?: string;
  /** Where the conversation is kept in localStorage (default per site key). */
  storageKey?: string;
  /** Where to put the widget (default document.body). */
  container?: HTMLElement;
};

/** A mounted widget. */
export type Widget = {
  /** Opens the panel (starting or resuming the conversation) and focuses the input. */
  open(): Promise<void>;
  /** Closes the panel and gives focus back to the launcher. */
  close(): void;
  /** Logs the visitor in: now with IdentifyVisitor if a conversation is open, else when it starts. */
  identify(identityToken: string): Promise<void>;
  /** Forgets the conversation and starts a new one, as identityToken's visitor or anonymous (logging out). */
  restart(identityToken?: string): Promise<void>;
  /** Removes the widget. */
  destroy(): void;
};

/** What localStorage keeps between page loads. */
type Saved = { conversationId: string; visitorToken: string; expireMs: number };

/** A token is refreshed by a new conversation this long before it expires. */
const expirySlackMs = 60_000;

/** Codes after which the stored conversation cannot be used any more. */
const goneCodes = new Set([Code.Unauthenticated, Code.PermissionDenied, Code.NotFound]);

/** mountWidget adds the chat launcher and panel to the page. */
export function mountWidget(o: WidgetOptions): Widget {
  return new ChatWidget(o);
}

class ChatWidget implements Widget {
  private readonly baseUrl: string;
  private readonly storageKey: string;
  private readonly site: TandemClient;
  private visitor?: TandemClient;
  private conversation?: Conversation;
  private identityToken?: string;
  private watch?: ConversationWatch;
  private watchStop?: AbortController;
  private starting?: Promise<void>;
  private readonly messages = new Map<string, { sequence: bigint; message: Message }>();
  private readonly retries = new Set<() => Promise<void>>();
  private readonly renderOptions: RenderOptions;

  private readonly root: HTMLElement;
  private readonly launcher: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly subtitle: HTMLElement;
  private readonly connection: HTMLElement;
  private readonly log: HTMLOListElement;
  private readonly typing: HTMLElement;
  private readonly quickReplies: HTMLElement;
  private readonly composer: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;
  private readonly emailForm: HTMLFormElement;
  private readonly emailInput: HTMLInputElement;
  private readonly ended: HTMLElement;
  private readonly endedText: HTMLElement;
  private readonly error: HTMLElement;
  private readonly onOnline = () => this.reconnect();

  constructor(private readonly o: WidgetOptions) {
    this.baseUrl = o.baseUrl ?? window.location.origin;
    this.storageKey = o.storageKey ?? `tandem.chat.${o.siteKey}`;
    this.identityToken = o.identityToken;
    this.site = createTandemClient({ baseUrl: this.baseUrl, siteKey: o.siteKey });
    const brand = o.brandName ?? "Support";
    this.renderOptions = { assistantName: `${brand} assistant`, onQuickReply: (id, label) => void this.send({ case: "quickReplyId", value: id }, label) };

    this.launcher = h("button", { type: "button", class: "tw-launcher", "aria-expanded": "false", "aria-controls": "tw-panel", onclick: () => (this.panel.hidden ? void this.open() : this.close()) }, "Chat with us");
    this.subtitle = h("p", { class: "tw-subtitle" }, "Our assistant answers right away");
    this.connection = h("p", { class: "tw-connection", role: "status" });
    this.log = h("ol", { class: "tw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Messages", tabindex: "0" });
    this.typing = h("p", { class: "tw-typing", role: "status", hidden: true });
    this.quickReplies = h("div", { class: "tw-quick-replies", role: "group", "aria-label": "Suggested replies", hidden: true });
    this.input = h("textarea", { id: "tw-input", class: "tw-input", rows: 2, maxlength: 4000, placeholder: "Type your message…", autocomplete: "off" });
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.composer.requestSubmit();
      }
    });
    this.composer = h(
      "form",
      { class: "tw-composer", onsubmit: (e) => this.onSubmit(e) },
      h("label", { for: "tw-input", class: "tw-visually-hidden" }, "Your message"),
      this.input,
      h("button", { type: "submit", class: "tw-send" }, "Send"),
    );
    this.emailInput = h("input", { id: "tw-email", type: "email", required: true, autocomplete: "email", maxlength: 254, class: "tw-input" });
    this.emailForm = h(
      "form",
      { class: "tw-email", hidden: true, novalidate: true, onsubmit: (e) => this.onEmail(e) },
      h("label", { for: "tw-email" }, "Your email address, so our team can reply"),
      h("div", { class: "tw-row" }, this.emailInput, h("button", { type: "submit", class: "tw-send" }, "Send email")),
    );
    this.endedText = h("p", {}, "This conversation has ended.");
    this.ended = h("div", { class: "tw-ended", hidden: true }, this.endedText, h("button", { type: "button", class: "button", onclick: () => void this.restart(this.identityToken).then(() => this.open()) }, "Start a new conversation"));
    this.error = h("p", { class: "tw-error", role: "alert" });
    this.panel = h(
      "section",
      { id: "tw-panel", class: "tw-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "tw-title", hidden: true },
      h("header", { class: "tw-header" }, h("div", {}, h("h2", { id: "tw-title" }, brand), this.subtitle), h("button", { type: "button", class: "tw-close", "aria-label": "Close chat", onclick: () => this.close() }, "×")),
      this.connection,
      this.log,
      this.typing,
      this.quickReplies,
      this.error,
      this.emailForm,
      this.composer,
      this.ended,
    );
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        this.close();
      }
    });
    this.root = h("div", { class: "tandem-widget" }, this.panel, this.launcher);
    (o.container ?? document.body).append(this.root);
    window.addEventListener("online", this.onOnline);
    if (sessionStorage.getItem(`${this.storageKey}.open`) === "1") {
      void this.open();
    } else if (this.load()) {
      void this.ensureConversation();
    }
  }

  async open(): Promise<void> {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    sessionStorage.setItem(`${this.storageKey}.open`, "1");
    this.focusInput();
    await this.ensureConversation();
    this.focusInput();
  }

  close(): void {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    sessionStorage.removeItem(`${this.storageKey}.open`);
    this.launcher.focus();
  }

  async identify(identityToken: string): Promise<void> {
    this.identityToken = identityToken;
    const c = this.conversation;
    if (!this.visitor || !c || c.status === ConversationStatus.CLOSED) {
      return;
    }
    const res = await this.visitor.conversations.identifyVisitor({ conversationId: c.id, identity: { case: "identityToken", value: identityToken } });
    this.setConversation(res.conversation);
  }

  async restart(identityToken?: string): Promise<void> {
    this.identityToken = identityToken;
    this.stopWatching();
    localStorage.removeItem(this.storageKey);
    this.visitor = undefined;
    this.conversation = undefined;
    this.starting = undefined;
    this.messages.clear();
    this.retries.clear();
    this.log.replaceChildren();
    this.showError("");
    this.setStatus(ConversationStatus.AI_ACTIVE);
    if (!this.panel.hidden) {
      await this.ensureConversation();
    }
  }

  destroy(): void {
    this.stopWatching();
    window.removeEventListener("online", this.onOnline);
    this.root.remove();
  }

  private focusInput(): void {
    if (!this.composer.hidden) {
      this.input.focus();
    } else if (!this.emailForm.hidden) {
      this.emailInput.focus();
    }
  }

  private load(): Saved | undefined {
    try {
      const s = JSON.parse(localStorage.getItem(this.storageKey) ?? "null") as Saved | null;
      return s && s.expireMs - expirySlackMs > Date.now() ? s : undefined;
    } catch {
      return undefined;
    }
  }

  /** ensureConversation resumes the stored conversation or starts one, once. */
  private ensureConversation(): Promise<void> {
    this.starting ??= this.resumeOrStart().catch((err: unknown) => {
      this.starting = undefined;
      this.showError(`We couldn't reach the chat service (${ConnectError.from(err).rawMessage}). Check your connection; we'll try again when you send a message.`);
    });
    return this.starting;
  }

  private async resumeOrStart(): Promise<void> {
    const saved = this.load();
    if (saved) {
      const visitor = createTandemClient({ baseUrl: this.baseUrl, visitorToken: saved.visitorToken });
      try {
        const res = await withRetry(() => visitor.conversations.getConversation({ conversationId: saved.conversationId }));
        this.visitor = visitor;
        res.messages.forEach((m) => this.addMessage(m));
        this.setConversation(res.conversation);
        this.startWatching(res.conversation?.lastSequence ?? 0n);
        return;
      } catch (err) {
        if (!goneCodes.has(ConnectError.from(err).code)) {
          throw err;
        }
        localStorage.removeItem(this.storageKey);
      }
    }
    const pageUrl = /^https?:/.test(window.location.href) ? window.location.href.slice(0, 2048) : "";
    const locale = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(navigator.language) ? navigator.language : "";
    const res = await this.site.conversations.startConversation({ channel: Channel.WEBCHAT, identityToken: this.identityToken ?? "", pageUrl, locale });
    const c = res.conversation!;
    const expireMs = res.visitorTokenExpireTime ? timestampDate(res.visitorTokenExpireTime).getTime() : Date.now() + 3_600_000;
    localStorage.setItem(this.storageKey, JSON.stringify({ conversationId: c.id, visitorToken: res.visitorToken, expireMs } satisfies Saved));
    this.visitor = createTandemClient({ baseUrl: this.baseUrl, visitorToken: res.visitorToken });
    res.messages.forEach((m) => this.addMessage(m));
    this.setConversation(c);
    this.startWatching(c.lastSequence);
  }

  private startWatching(afterSequence: bigint): void {
    const c = this.conversation;
    if (!this.visitor || !c || c.status === ConversationStatus.CLOSED) {
      return;
    }
    this.stopWatching();
    const stop = new AbortController();
    this.watchStop = stop;
    this.watch = watchConversation(this.visitor.conversations, {
      conversationId: c.id,
      afterSequence,
      signal: stop.signal,
      onState: (s) => {
        this.connection.textContent = s === "reconnecting" ? "Connection lost. Reconnecting…" : "";
        this.root.dataset.connection = s;
      },
    });
    void (async () => {
      try {
        for await (const e of this.watch!) {
          this.onEvent(e);
        }
      } catch (err) {
        if (goneCodes.has(ConnectError.from(err).code)) {
          this.showEnded("This chat session has expired.");
        }
      }
    })();
  }

  private stopWatching(): void {
    this.watchStop?.abort();
    this.watch = undefined;
  }

  /** reconnect resumes the stream and resends failed messages at once (the browser is back online). */
  private reconnect(): void {
    this.watch?.reconnect();
    for (const retry of [...this.retries]) {
      void retry();
    }
  }

  private onEvent(e: ConversationEvent): void {
    switch (e.payload.case) {
      case "message":
        this.addMessage(e.payload.value);
        if (e.payload.value.author !== Author.VISITOR) {
          this.setTyping(undefined);
        }
        break;
      case "statusChange":
        this.setStatus(e.payload.value.to);
        break;
      case "typing":
        this.setTyping(e.type === EventType.TYPING_STARTED ? e.payload.value.author : undefined);
        break;
      case "conversation":
        this.setConversation(e.payload.value);
        break;
      case "visitor":
        if (this.conversation) {
          this.conversation.visitor = e.payload.value;
        }
        break;
    }
  }

  private setConversation(c: Conversation | undefined): void {
    if (!c) {
      return;
    }
    this.conversation = c;
    this.root.dataset.conversationId = c.id;
    this.setStatus(c.status);
  }

  private setStatus(s: ConversationStatus): void {
    if (this.conversation) {
      this.conversation.status = s;
    }
    this.root.dataset.status = ConversationStatus[s];
    const closed = s === ConversationStatus.CLOSED;
    this.emailForm.hidden = s !== ConversationStatus.AWAITING_EMAIL;
    this.composer.hidden = closed || s === ConversationStatus.AWAITING_EMAIL;
    this.subtitle.textContent = s === ConversationStatus.WITH_TEAM ? "You're chatting with our team" : "Our assistant answers right away";
    if (closed) {
      const c = this.conversation;
      const email = c?.visitor?.email;
      const routed = c?.outcome === ConversationOutcome.ROUTED_TO_TEAM || Boolean(c?.handoffId);
      this.showEnded(
        routed
          ? `This conversation has ended. Our team will email you${email ? ` at ${email}` : ""} about anything still open.`
          : "This conversation has ended. Thanks for chatting with us!",
      );
      this.stopWatching();
    } else {
      this.ended.hidden = true;
    }
    this.renderQuickReplies();
    this.keepFocus();
  }

  /** keepFocus moves focus to the form now shown when the one the visitor was typing in was hidden. */
  private keepFocus(): void {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.panel.contains(active) || active.getClientRects().length > 0) {
      return;
    }
    if (!this.ended.hidden) {
      this.ended.querySelector("button")?.focus();
    } else {
      this.focusInput();
    }
  }

  private showEnded(text: string): void {
    this.endedText.textContent = text;
    this.ended.hidden = false;
    this.composer.hidden = true;
    this.emailForm.hidden = true;
    this.quickReplies.hidden = true;
    this.keepFocus();
  }

  private setTyping(author: Author | undefined): void {
    this.typing.hidden = author === undefined;
    this.typing.textContent = author === Author.HUMAN_AGENT ? "Our team is typing…" : author === undefined ? "" : "The assistant is typing…";
  }

  /** addMessage shows a message once, in sequence order, whichever way it arrived first. */
  private addMessage(m: Message): void {
    if (this.messages.has(m.id)) {
      return;
    }
    this.messages.set(m.id, { sequence: m.sequence, message: m });
    const el = renderMessage(m, this.renderOptions);
    const later = Array.from(this.log.children).find((c) => {
      const seq = (c as HTMLElement).dataset.sequence;
      return seq !== undefined && BigInt(seq) > m.sequence;
    });
    this.log.insertBefore(el, later ?? this.log.querySelector(".msg-pending"));
    this.renderQuickReplies();
    this.log.scrollTop = this.log.scrollHeight;
  }

  /** renderQuickReplies offers the latest message's quick replies while the conversation is open. */
  private renderQuickReplies(): void {
    let latest: Message | undefined;
    for (const { message } of this.messages.values()) {
      if (!latest || message.sequence > latest.sequence) {
        latest = message;
      }
    }
    const replies = this.conversation?.status === ConversationStatus.CLOSED || !latest || latest.author === Author.VISITOR ? [] : latest.quickReplies;
    this.quickReplies.replaceChildren(
      ...replies.map((q) => h("button", { type: "button", class: "button tw-quick-reply", onclick: () => void this.send({ case: "quickReplyId", value: q.id }, q.label) }, q.label)),
    );
    this.quickReplies.hidden = replies.length === 0;
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const text = this.input.value.trim();
    if (text === "") {
      return;
    }
    this.input.value = "";
    void this.send({ case: "text", value: text }, text);
  }

  private onEmail(e: Event): void {
    e.preventDefault();
    const email = this.emailInput.value.trim();
    // The form is novalidate so that this message, read out by the alert, replaces the
    // browser's own bubble.
    const valid = this.emailInput.checkValidity() && email !== "";
    this.emailInput.setAttribute("aria-invalid", String(!valid));
    if (!valid) {
      this.showError("Please enter a valid email address, like name@example.com.");
      this.emailInput.focus();
      return;
    }
    this.showError("");
    this.emailInput.value = "";
    // The handoff flow reads the email from the visitor's next message (the contract's
    // AWAITING_EMAIL: "the agent waits for their email address"), which validates it and
    // creates the ticket; IdentifyVisitor alone would only record it.
    void this.send({ case: "text", value: email }, email);
  }

  /** send posts a visitor turn, showing it at once and retrying with the same idempotency key. */
  private async send(content: SendMessageRequest["content"], label: string): Promise<void> {
    this.showError("");
    this.quickReplies.hidden = true;
    const pending = h("li", { class: "msg msg-visitor msg-pending", "aria-busy": "true" }, h("div", { class: "msg-meta" }, h("span", { class: "msg-author" }, "You"), " sending…"), h("p", { class: "msg-text" }, label));
    this.log.append(pending);
    this.log.scrollTop = this.log.scrollHeight;
    const key = newIdempotencyKey();
    const attempt = async (): Promise<void> => {
      this.retries.delete(attempt);
      pending.classList.remove("msg-failed");
      pending.querySelector(".msg-meta")!.replaceChildren(h("span", { class: "msg-author" }, "You"), " sending…");
      try {
        await this.ensureConversation();
        const c = this.conversation;
        if (!this.visitor || !c) {
          throw new ConnectError("no conversation", Code.Unavailable);
        }
        const res = await withRetry(() => this.visitor!.conversations.sendMessage({ conversationId: c.id, idempotencyKey: key, content }));
        pending.remove();
        res.messages.forEach((m) => this.addMessage(m));
        this.setConversation(res.conversation);
      } catch (err) {
        const ce = ConnectError.from(err);
        if (ce.code === Code.InvalidArgument) {
          pending.remove();
          this.showError("That message can't be sent: it must have some text and at most 4,000 characters.");
        } else if (ce.code === Code.FailedPrecondition) {
          pending.remove();
          this.showEnded("This conversation has ended.");
        } else {
          pending.classList.add("msg-failed");
          this.retries.add(attempt);
          pending.querySelector(".msg-meta")!.replaceChildren(
            h("span", { class: "msg-author" }, "You"),
            " not sent. ",
            h("button", { type: "button", class: "tw-retry", onclick: () => void attempt() }, "Retry"),
          );
        }
      }
    };
    await attempt();
  }

  private showError(text: string): void {
    this.error.textContent = text;
  }
}
