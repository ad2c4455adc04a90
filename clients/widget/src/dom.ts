// A tiny DOM builder: elements from a tag, attributes and children, never from HTML
// strings, so text from the server can never become markup.

/** Attributes and properties of h: strings set attributes, functions listen to events. */
export type Attrs = Record<string, string | boolean | number | undefined | ((e: Event) => void)>;

/** A child of h: a node, text, or nothing. */
export type Child = Node | string | false | null | undefined;

/** h creates an element: h("button", { class: "x", onclick: fn }, "Send"). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === "function") {
      el.addEventListener(k.replace(/^on/, ""), v);
    } else if (v === true) {
      el.setAttribute(k, "");
    } else if (v !== false && v !== undefined) {
      el.setAttribute(k, String(v));
    }
  }
  el.append(...children.filter((c): c is Node | string => c !== false && c !== null && c !== undefined));
  return el;
}

/** safeUrl returns url if it is http(s), else undefined (no javascript: links). */
export function safeUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}
