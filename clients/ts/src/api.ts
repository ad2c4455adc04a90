// What both entry points export besides createTandemClient: the shared helpers and the
// generated contract.
export * from "./core.js";
export * from "./watch.js";
export * from "./gen/tandem/v1/conversation_pb.js";
export * from "./gen/tandem/v1/conversation_service_pb.js";
export * from "./gen/tandem/v1/handoff_service_pb.js";
export * from "./gen/tandem/v1/metrics_service_pb.js";
export * from "./gen/tandem/v1/skill_service_pb.js";
export { Code, ConnectError } from "@connectrpc/connect";
export { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
