// The transport-independent part of Tandem's TypeScript client: credentials, request
// validation and the four typed service clients.
import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createValidator, violationsToProto, type Validator } from "@bufbuild/protovalidate";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { ConversationService } from "./gen/tandem/v1/conversation_service_pb.js";
import { HandoffService } from "./gen/tandem/v1/handoff_service_pb.js";
import { MetricsService } from "./gen/tandem/v1/metrics_service_pb.js";
import { SkillService } from "./gen/tandem/v1/skill_service_pb.js";

/** The credential a client sends as `Authorization: Bearer`: exactly one of them. */
export type TandemCredential =
  | { /** An account API key (`tdm_sk_…`): staff and services. */ apiKey: string; visitorToken?: never; siteKey?: never }
  | { /** A visitor token (`tdm_vt_…`): one visitor's conversation. */ visitorToken: string; apiKey?: never; siteKey?: never }
  | { /** The public site key (`tdm_pk_…`): starts web chat conversations. */ siteKey: string; apiKey?: never; visitorToken?: never }
  | { apiKey?: never; visitorToken?: never; siteKey?: never };

/** Options shared by the browser and Node entry points. */
export type TandemClientOptions = TandemCredential & {
  /** The server's address, for example "http://127.0.0.1:8080". */
  baseUrl: string;
  /** Check requests against the contract's protovalidate rules before sending (default true). */
  validate?: boolean;
  /** Interceptors to run after the credential and validation ones. */
  interceptors?: Interceptor[];
  /** Use the binary protobuf format instead of JSON (default false). */
  useBinaryFormat?: boolean;
};

/** Typed clients of Tandem's four services sharing one transport and credential. */
export type TandemClient = {
  /** ConversationService: conversations, messages and their event streams. */
  conversations: Client<typeof ConversationService>;
  /** SkillService: the skill catalog and the account's agent settings. */
  skills: Client<typeof SkillService>;
  /** HandoffService: handoff settings, the inbox and helpdesk tickets. */
  handoffs: Client<typeof HandoffService>;
  /** MetricsService: resolution and handoff rates, volumes and the handoff log. */
  metrics: Client<typeof MetricsService>;
  /** The transport the clients share, for creating other clients. */
  transport: Transport;
};

/** The bearer credential of the options, or "" when they carry none. */
export function credentialOf(o: TandemCredential): string {
  return o.apiKey ?? o.visitorToken ?? o.siteKey ?? "";
}

/** bearerInterceptor sends credential as `Authorization: Bearer` on every call. */
export function bearerInterceptor(credential: string): Interceptor {
  return (next) => (req) => {
    if (credential !== "") {
      req.header.set("Authorization", `Bearer ${credential}`);
    }
    return next(req);
  };
}

let sharedValidator: Validator | undefined;

/**
 * validationInterceptor checks every request message against the contract's
 * protovalidate rules and fails with a ConnectError (InvalidArgument, with
 * buf.validate.Violations details as the server sends them) before anything is sent.
 */
export function validationInterceptor(validator?: Validator): Interceptor {
  return (next) => (req) => {
    const v = validator ?? (sharedValidator ??= createValidator());
    if (!req.stream) {
      check(v, req.method.input, req.message);
      return next(req);
    }
    const messages = req.message;
    return next({
      ...req,
      message: (async function* () {
        for await (const m of messages) {
          check(v, req.method.input, m);
          yield m;
        }
      })(),
    });
  };
}

function check<D extends DescMessage>(v: Validator, desc: D, message: MessageShape<D>): void {
  const result = v.validate(desc, message);
  if (result.kind === "valid") {
    return;
  }
  if (result.kind === "error") {
    throw new ConnectError(`validating ${desc.typeName}: ${result.error.message}`, Code.Internal, undefined, undefined, result.error);
  }
  const lines = result.violations.map((x) => x.toString());
  const [details, schema] = violationsToProto(result.violations);
  throw new ConnectError(`validation error:\n - ${lines.join("\n - ")}`, Code.InvalidArgument, undefined, [
    { desc: schema, value: details },
  ]);
}

/** The interceptors every client runs: the credential, then validation unless turned off. */
export function baseInterceptors(o: TandemClientOptions): Interceptor[] {
  const list = [bearerInterceptor(credentialOf(o))];
  if (o.validate !== false) {
    list.push(validationInterceptor());
  }
  return [...list, ...(o.interceptors ?? [])];
}

/** clientsFor returns the four service clients over transport. */
export function clientsFor(transport: Transport): TandemClient {
  return {
    conversations: createClient(ConversationService, transport),
    skills: createClient(SkillService, transport),
    handoffs: createClient(HandoffService, transport),
    metrics: createClient(MetricsService, transport),
    transport,
  };
}
