// Rendering of transcript messages and their cards, shared by the widget and the inbox.
import {
  Author,
  CardType,
  timestampDate,
  type Card,
  type Message,
  type Money,
  type Timestamp,
} from "@tandem/client";
import { h, safeUrl, type Child } from "./dom.js";

/** How a rendered message reacts to its buttons. */
export type RenderOptions = {
  /** Sends a quick reply id (card buttons that answer in the chat); absent in read-only views. */
  onQuickReply?: (id: string, label: string) => void;
  /** The AI agent's display name. */
  assistantName?: string;
  /** The visitor's display name (the inbox shows "Visitor"). */
  visitorName?: string;
};

/** formatTime renders a timestamp as the reader's local time of day. */
export function formatTime(ts: Timestamp | undefined): Child {
  if (!ts) {
    return null;
  }
  const d = timestampDate(ts);
  return h("time", { datetime: d.toISOString(), title: d.toLocaleString() }, d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
}

function formatDate(ts: Timestamp | undefined): string {
  return ts ? timestampDate(ts).toLocaleDateString([], { month: "short", day: "numeric", year: "numeric" }) : "";
}

/** formatMoney renders an amount in its currency's minor units. */
export function formatMoney(m: Money | undefined): string {
  if (!m || !m.currencyCode) {
    return "";
  }
  const f = new Intl.NumberFormat(undefined, { style: "currency", currency: m.currencyCode });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(Number(m.minorUnits) / 10 ** digits);
}

const authorClass: Record<Author, string> = {
  [Author.UNSPECIFIED]: "system",
  [Author.VISITOR]: "visitor",
  [Author.AI_AGENT]: "ai",
  [Author.HUMAN_AGENT]: "human",
  [Author.SYSTEM]: "system",
};

/** authorLabel is who wrote a message, as the reader sees it. */
export function authorLabel(m: Message, o: RenderOptions): string {
  switch (m.author) {
    case Author.VISITOR:
      return o.visitorName ?? "You";
    case Author.AI_AGENT:
      return o.assistantName ?? "Assistant";
    case Author.HUMAN_AGENT:
      return m.authorName ? `${m.authorName} (team)` : "Our team";
    default:
      return "Notice";
  }
}

/** renderMessage renders one transcript message with its card and links. */
export function renderMessage(m: Message, o: RenderOptions = {}): HTMLElement {
  const who = authorLabel(m, o);
  return h(
    "li",
    { class: `msg msg-${authorClass[m.author]}`, "data-id": m.id, "data-sequence": String(m.sequence) },
    h("div", { class: "msg-meta" }, h("span", { class: "msg-author" }, who), " ", formatTime(m.createTime)),
    m.text ? h("p", { class: "msg-text" }, m.text) : null,
    m.card ? renderCard(m.card, o) : null,
    m.links.length > 0
      ? h("ul", { class: "msg-links" }, ...m.links.map((l) => {
          const url = safeUrl(l.url);
          return h("li", {}, url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, l.label || url) : l.label);
        }))
      : null,
  );
}

function row(label: string, value: Child): Child {
  return value === "" || value === null || value === undefined ? null : h("div", { class: "card-row" }, h("dt", {}, label), h("dd", {}, value));
}

function link(url: string, label: string): Child {
  const safe = safeUrl(url);
  return safe ? h("a", { href: safe, target: "_blank", rel: "noopener noreferrer" }, label) : label;
}

/** cardDetails renders the rows of a card's detail. */
function cardDetails(c: Card): Child[] {
  const d = c.detail;
  switch (d.case) {
    case "order": {
      const o = d.value;
      return [
        row("Order", o.orderNumber),
        row("Status", o.status),
        row("Placed", formatDate(o.placedTime)),
        row("Total", formatMoney(o.total)),
        o.lineItems.length
          ? row("Items", h("ul", {}, ...o.lineItems.map((li) => h("li", {}, `${li.quantity} × ${li.title}${li.variant ? ` (${li.variant})` : ""}`))))
          : null,
        ...o.shipments.map((s) =>
          row(
            "Shipment",
            h(
              "span",
              {},
              [s.carrier, s.status].filter(Boolean).join(" · "),
              s.trackingNumber ? " · " : "",
              s.trackingNumber ? link(s.trackingUrl, s.trackingNumber) : "",
              s.estimatedDeliveryTime ? ` · arrives ${formatDate(s.estimatedDeliveryTime)}` : "",
            ),
          ),
        ),
      ];
    }
    case "coupon": {
      const co = d.value;
      return [
        row("Code", h("code", { class: "coupon-code" }, co.code)),
        row("Offer", co.description),
        row("Minimum spend", formatMoney(co.minimumSpend)),
        row("Expires", co.expireTime ? formatDate(co.expireTime) : "Never"),
        co.personal ? row("Just for you", "Personal coupon") : null,
      ];
    }
    case "product": {
      const p = d.value;
      return [
        row("Product", p.url ? link(p.url, p.title) : p.title),
        row("About", p.description),
        row("Price", formatMoney(p.price)),
        row("Availability", p.inStock ? "In stock" : "Out of stock"),
      ];
    }
    case "loyalty": {
      const l = d.value;
      return [
        row("Points", l.pointsBalance.toLocaleString()),
        row("Tier", l.tier),
        l.nextTier ? row("Next tier", `${l.nextTier} in ${l.pointsToNextTier.toLocaleString()} points`) : null,
      ];
    }
    case "subscription": {
      const s = d.value;
      return [
        row("Product", s.productTitle),
        row("Status", s.status),
        row("Delivery", s.interval),
        row("Next charge", formatDate(s.nextChargeTime)),
        row("Price", formatMoney(s.price)),
      ];
    }
    case "returns": {
      const r = d.value;
      return [
        row("Order", r.orderNumber),
        row("Returnable", r.eligible ? "Yes" : "No"),
        row("Return by", formatDate(r.windowEndTime)),
        row("Policy", r.policySummary),
        r.portalUrl ? row("Returns portal", link(r.portalUrl, "Open the returns portal")) : null,
      ];
    }
    default:
      return [];
  }
}

const cardNames: Record<CardType, string> = {
  [CardType.UNSPECIFIED]: "Details",
  [CardType.ORDER]: "Order",
  [CardType.COUPON]: "Coupon",
  [CardType.PRODUCT]: "Product",
  [CardType.LOYALTY]: "Rewards",
  [CardType.SUBSCRIPTION]: "Subscription",
  [CardType.RETURN]: "Return",
};

/** renderCard renders a structured card with its details and action buttons. */
export function renderCard(c: Card, o: RenderOptions = {}): HTMLElement {
  const kind = cardNames[c.type] ?? "Details";
  const title = c.title || kind;
  const image = safeUrl(c.imageUrl);
  return h(
    "article",
    { class: `card card-${kind.toLowerCase()}`, "aria-label": `${kind}: ${title}` },
    image ? h("img", { src: image, alt: "", class: "card-image", onerror: (e) => (e.target as HTMLElement).remove() }) : null,
    h("h3", { class: "card-title" }, title),
    c.subtitle ? h("p", { class: "card-subtitle" }, c.subtitle) : null,
    h("dl", { class: "card-details" }, ...cardDetails(c)),
    c.actions.length
      ? h(
          "div",
          { class: "card-actions" },
          ...c.actions.map((a) => {
            const url = safeUrl(a.url);
            if (url) {
              return h("a", { class: "button", href: url, target: "_blank", rel: "noopener noreferrer" }, a.label);
            }
            const onQuickReply = o.onQuickReply;
            return h(
              "button",
              { type: "button", class: "button", disabled: !onQuickReply || !a.quickReplyId, onclick: () => onQuickReply?.(a.quickReplyId, a.label) },
              a.label,
            );
          }),
        )
      : null,
  );
}
