// Tandem's TypeScript client for Node: connect-node over HTTP/2 with the Connect protocol
// (default), gRPC or gRPC-Web.
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { baseInterceptors, clientsFor, type TandemClient, type TandemClientOptions } from "./core.js";

export * from "./api.js";

/** Options of the Node client. */
export type NodeClientOptions = TandemClientOptions & {
  /** "connect" (default), "grpc" or "grpc-web". */
  protocol?: "connect" | "grpc" | "grpc-web";
  /** "2" (default; h2c on http:// addresses) or "1.1" (Connect and gRPC-Web only). */
  httpVersion?: "2" | "1.1";
};

/**
 * createTandemClient returns typed clients of the four services for Node, sending the
 * credential as a bearer token and validating requests before they leave.
 *
 *     const staff = createTandemClient({ baseUrl: "http://127.0.0.1:8080", apiKey: process.env.TANDEM_API_KEY! });
 *     const { conversations } = await staff.conversations.listConversations({ pageSize: 10 });
 */
export function createTandemClient(o: NodeClientOptions): TandemClient {
  const interceptors = baseInterceptors(o);
  if (o.protocol === "grpc") {
    return clientsFor(createGrpcTransport({ baseUrl: o.baseUrl, interceptors, useBinaryFormat: true }));
  }
  const opts = { baseUrl: o.baseUrl, interceptors, useBinaryFormat: o.useBinaryFormat, httpVersion: o.httpVersion ?? "2" } as const;
  return clientsFor(o.protocol === "grpc-web" ? createGrpcWebTransport(opts) : createConnectTransport(opts));
}
