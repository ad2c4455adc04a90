// A real tandemd for tests: built by the Makefile (TANDEMD), serving on a free port
// against a real PostgreSQL database (TANDEM_CLIENTS_DATABASE_URL).
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, connect, type Socket } from "node:net";
import { promisify } from "node:util";

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run the client tests with \`make test\` (or \`make test-clients\`)`);
  }
  return v;
};

/** Options of startTandemd. */
export type TandemdOptions = {
  /** Run with -demo (demo account, demo.env, /demo endpoints). */
  demo?: boolean;
  /** Serve these static files on / (the widget build). */
  widgetDir?: string;
  /** The database to serve from; TANDEM_CLIENTS_DATABASE_URL when absent. */
  databaseUrl?: string;
};

/** A running tandemd. */
export type Tandemd = {
  /** "http://127.0.0.1:PORT". */
  baseUrl: string;
  /** Its data folder (demo.env lives there with -demo). */
  dataDir: string;
  /** The demo account's credentials (demo mode only). */
  demoEnv: Record<string, string>;
  /** Stops the server. */
  stop(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
};

/** freePort returns a TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const addr = srv.address();
  await new Promise((r) => srv.close(r));
  if (addr === null || typeof addr === "string") {
    throw new Error("no port");
  }
  return addr.port;
}

/** startTandemd starts tandemd and waits until it answers health checks. */
export async function startTandemd(o: TandemdOptions = {}): Promise<Tandemd> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "tandemd-test-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = [
    "serve",
    "-addr", `127.0.0.1:${port}`,
    "-database-url", o.databaseUrl ?? env("TANDEM_CLIENTS_DATABASE_URL"),
    "-token-secret", "client-tests-token-secret-0123456789abcdef",
    "-data-dir", dataDir,
    "-log-level", "warn",
    "-rate-limit-visitor", "1000:1000",
    "-rate-limit-site-key", "1000:1000",
  ];
  if (o.demo) {
    args.push("-demo");
  }
  if (o.widgetDir) {
    args.push("-widget-dir", o.widgetDir);
  }
  const log = createWriteStream(join(dataDir, "tandemd.log"));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(env("TANDEMD"), args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<never>((_, reject) =>
      child?.once("exit", (code) => reject(new Error(`tandemd exited with ${code}; see ${join(dataDir, "tandemd.log")}`))),
    );
    await Promise.race([waitHealthy(baseUrl), exited]);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) {
      return;
    }
    const done = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await done;
  };
  await start();
  const t: Tandemd = {
    baseUrl,
    dataDir,
    demoEnv: o.demo ? readEnv(join(dataDir, "demo.env")) : {},
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
  return t;
}

async function waitHealthy(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      if (res.ok && (await res.json()).status === "SERVING_STATUS_SERVING") {
        return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`tandemd at ${baseUrl} did not become healthy in 30 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readEnv(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const i = line.indexOf("=");
    if (i > 0 && !line.startsWith("#")) {
      out[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return out;
}

/** Account is a fresh account's credentials as `tandemd create-account` prints them. */
export type Account = { siteKey: string; identitySecret: string; keys: Record<string, string> };

/** createAccount runs `tandemd create-account` and parses the keys it prints once. */
export async function createAccount(name: string): Promise<Account> {
  const { stdout } = await promisify(execFile)(env("TANDEMD"), [
    "create-account", "-name", name, "-database-url", env("TANDEM_CLIENTS_DATABASE_URL"), "-log-level", "warn",
  ]);
  const acc: Account = { siteKey: "", identitySecret: "", keys: {} };
  for (const line of stdout.split("\n")) {
    const m = /^(.+?)\s{2,}(\S+)$/.exec(line.trim());
    if (!m) {
      continue;
    }
    if (m[1] === "site key") acc.siteKey = m[2];
    else if (m[1] === "identity secret") acc.identitySecret = m[2];
    else if (m[1].endsWith(" key")) acc.keys[m[1].slice(0, -4)] = m[2];
  }
  if (!acc.siteKey || !acc.keys.OWNER) {
    throw new Error(`could not read the keys from create-account's output:\n${stdout}`);
  }
  return acc;
}

/** CuttableProxy forwards TCP to a server and can cut every connection, like a network outage. */
export type CuttableProxy = {
  /** "http://127.0.0.1:PORT" of the proxy. */
  baseUrl: string;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
  /** Stops the proxy. */
  close(): Promise<void>;
};

/** startProxy starts a CuttableProxy in front of target ("http://127.0.0.1:PORT"). */
export async function startProxy(target: string): Promise<CuttableProxy> {
  const url = new URL(target);
  const sockets = new Set<Socket>();
  let down = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };
  const srv = createServer((client) => {
    track(client);
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(url.port), url.hostname);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const addr = srv.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${addr.port}`,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}
