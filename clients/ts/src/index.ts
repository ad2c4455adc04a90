// Tandem's TypeScript client for browsers: connect-web with the Connect protocol (default)
// or gRPC-Web. Node programs import "@tandem/client/node" instead.
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { baseInterceptors, clientsFor, type TandemClient, type TandemClientOptions } from "./core.js";

export * from "./api.js";

/** Options of the browser client. */
export type BrowserClientOptions = TandemClientOptions & {
  /** "connect" (default) or "grpc-web". */
  protocol?: "connect" | "grpc-web";
};

/**
 * createTandemClient returns typed clients of the four services for a browser, sending
 * the credential as a bearer token and validating requests before they leave.
 *
 *     const site = createTandemClient({ baseUrl: "http://127.0.0.1:8080", siteKey });
 *     const { visitorToken, conversation } = await site.conversations.startConversation({ channel: Channel.WEBCHAT });
 */
export function createTandemClient(o: BrowserClientOptions): TandemClient {
  const opts = { baseUrl: o.baseUrl, interceptors: baseInterceptors(o), useBinaryFormat: o.useBinaryFormat };
  return clientsFor(o.protocol === "grpc-web" ? createGrpcWebTransport(opts) : createConnectTransport(opts));
}
