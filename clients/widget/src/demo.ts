// The demo store page: mounts the widget with the demo account's site key and lets the
// visitor log in as a demo customer (the demo server signs the identity token, as a
// brand's back end would).
import { mountWidget } from "./widget.js";

type DemoConfig = { siteKey: string; profiles: { id: string; name: string; email: string }[] };

const loginKey = "tandem.demo.profile";
const profileId = "cust_1001";

async function demoIdentity(profile: string): Promise<string> {
  const res = await fetch(`/demo/identity?profile=${encodeURIComponent(profile)}`);
  if (!res.ok) {
    throw new Error(await res.text());
  }
  return ((await res.json()) as { identityToken: string }).identityToken;
}

async function main(): Promise<void> {
  const status = document.getElementById("demo-status")!;
  const res = await fetch("/demo/config");
  if (!res.ok) {
    status.textContent = "This page needs tandemd in demo mode (make run).";
    return;
  }
  const cfg = (await res.json()) as DemoConfig;
  const login = document.getElementById("demo-login") as HTMLInputElement;
  const ava = cfg.profiles.find((p) => p.id === profileId);
  document.getElementById("demo-login-label")!.textContent = `Log in as ${ava?.name ?? "Ava Chen"} (${profileId})`;
  login.checked = localStorage.getItem(loginKey) === profileId;
  const widget = mountWidget({
    siteKey: cfg.siteKey,
    brandName: "Northwind Outfitters",
    identityToken: login.checked ? await demoIdentity(profileId) : undefined,
  });
  login.addEventListener("change", async () => {
    try {
      if (login.checked) {
        localStorage.setItem(loginKey, profileId);
        await widget.identify(await demoIdentity(profileId));
        status.textContent = `Logged in as ${ava?.name ?? profileId}.`;
      } else {
        localStorage.removeItem(loginKey);
        await widget.restart(undefined);
        status.textContent = "Logged out: the next chat starts anonymous.";
      }
    } catch (err) {
      status.textContent = `Could not change the login: ${String(err)}`;
    }
  });
}

void main();
