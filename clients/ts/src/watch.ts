// Watching a conversation through network cuts: WatchConversation resumes after the last
// sequence seen, so no event is lost and none is delivered twice.
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import type { ConversationService } from "./gen/tandem/v1/conversation_service_pb.js";
import { EventType, type ConversationEvent } from "./gen/tandem/v1/conversation_pb.js";
import { ConversationStatus } from "./gen/tandem/v1/conversation_pb.js";

/** The state of a watch's connection, for showing "reconnecting…". */
export type WatchState = "connecting" | "open" | "reconnecting" | "ended";

/** Options of watchConversation. */
export type WatchOptions = {
  /** The conversation to watch. */
  conversationId: string;
  /** Deliver events after this sequence (0, the default, replays the whole conversation). */
  afterSequence?: bigint;
  /** Ends the watch. */
  signal?: AbortSignal;
  /** The first reconnect delay (default 250 ms); it doubles up to maxDelayMs. */
  minDelayMs?: number;
  /** The longest reconnect delay (default 10 s). */
  maxDelayMs?: number;
  /**
   * Reconnect when nothing, not even a heartbeat, arrived for this long (default 40 s;
   * the server sends a heartbeat every 15 s while idle), which catches silently dead
   * connections.
   */
  idleTimeoutMs?: number;
  /** Called when the connection's state changes; err is the cause of a reconnect. */
  onState?: (state: WatchState, err?: ConnectError) => void;
};

/** Codes a watch gives up on: retrying cannot help. */
const fatalCodes = new Set([
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.NotFound,
  Code.InvalidArgument,
  Code.FailedPrecondition,
  Code.Unimplemented,
]);

/** isLiveOnly tells events that are never stored (typing) and carry the latest stored sequence. */
export function isLiveOnly(e: ConversationEvent): boolean {
  return e.type === EventType.TYPING_STARTED || e.type === EventType.TYPING_STOPPED;
}

/** ConversationWatch is an endless, resuming WatchConversation; iterate it with for await. */
export class ConversationWatch implements AsyncIterable<ConversationEvent> {
  /** The sequence of the last stored event delivered; a later watch can resume after it. */
  lastSequence: bigint;
  private current?: AbortController;
  private wake?: () => void;

  constructor(
    private readonly client: Client<typeof ConversationService>,
    private readonly o: WatchOptions,
  ) {
    this.lastSequence = o.afterSequence ?? 0n;
  }

  /** reconnect drops the current stream (or the wait before the next) and resumes at once, for example on the browser's "online" event. */
  reconnect(): void {
    this.current?.abort();
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ConversationEvent> {
    const signal = this.o.signal;
    let failures = 0;
    const state = (s: WatchState, err?: ConnectError) => this.o.onState?.(s, err);
    state("connecting");
    while (!signal?.aborted) {
      const attempt = new AbortController();
      this.current = attempt;
      const stop = () => attempt.abort();
      signal?.addEventListener("abort", stop);
      let idle: ReturnType<typeof setTimeout> | undefined;
      const resetIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(stop, this.o.idleTimeoutMs ?? 40_000);
      };
      let cause: ConnectError | undefined;
      try {
        resetIdle();
        const stream = this.client.watchConversation(
          { conversationId: this.o.conversationId, afterSequence: this.lastSequence },
          { signal: attempt.signal },
        );
        let opened = false;
        for await (const res of stream) {
          resetIdle();
          if (!opened) {
            opened = true;
            failures = 0;
            state("open");
          }
          if (res.item.case !== "event") {
            continue;
          }
          const e = res.item.value;
          if (!isLiveOnly(e)) {
            if (e.sequence <= this.lastSequence) {
              continue;
            }
            this.lastSequence = e.sequence;
          }
          yield e;
          if (e.payload.case === "statusChange" && e.payload.value.to === ConversationStatus.CLOSED) {
            state("ended");
            return;
          }
        }
        cause = new ConnectError("the server ended the stream", Code.Unavailable);
      } catch (err) {
        if (signal?.aborted) {
          break;
        }
        cause = ConnectError.from(err);
        if (fatalCodes.has(cause.code)) {
          state("ended", cause);
          throw cause;
        }
      } finally {
        clearTimeout(idle);
        signal?.removeEventListener("abort", stop);
      }
      failures++;
      state("reconnecting", cause);
      await this.pause(backoff(failures, this.o.minDelayMs ?? 250, this.o.maxDelayMs ?? 10_000));
    }
    state("ended");
  }

  /** pause waits ms, or less if reconnect() or the signal cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.o.signal?.removeEventListener("abort", done);
        this.wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake = done;
      this.o.signal?.addEventListener("abort", done);
    });
  }
}

/** backoff is the delay before retry number n (from 1): doubling from min up to max, with jitter. */
export function backoff(n: number, minMs: number, maxMs: number): number {
  const d = Math.min(maxMs, minMs * 2 ** Math.max(0, n - 1));
  return d / 2 + Math.random() * (d / 2);
}

/**
 * watchConversation watches a conversation's events, reconnecting after network cuts and
 * server restarts with the last sequence it delivered, so each stored event arrives once
 * and in order. Typing events pass through as they come. It ends when the signal aborts
 * or the conversation closes, and throws on errors retrying cannot fix (a revoked or
 * expired credential, an unknown conversation).
 */
export function watchConversation(client: Client<typeof ConversationService>, o: WatchOptions): ConversationWatch {
  return new ConversationWatch(client, o);
}

/** Codes worth retrying a call on when it is safe to repeat. */
const retryableCodes = new Set([Code.Unavailable, Code.ResourceExhausted]);

/**
 * withRetry calls fn until it succeeds, retrying Unavailable and ResourceExhausted with
 * backoff up to attempts times in all (default 4). Use it only for calls that are safe to
 * repeat: reads, and SendMessage/SendAgentMessage with the same idempotency key.
 */
export async function withRetry<T>(fn: () => Promise<T>, o: { attempts?: number; minDelayMs?: number; maxDelayMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const attempts = o.attempts ?? 4;
  for (let n = 1; ; n++) {
    try {
      return await fn();
    } catch (err) {
      const ce = ConnectError.from(err);
      if (n >= attempts || !retryableCodes.has(ce.code) || o.signal?.aborted) {
        throw ce;
      }
      await new Promise((r) => setTimeout(r, backoff(n, o.minDelayMs ?? 300, o.maxDelayMs ?? 5_000)));
    }
  }
}

/** newIdempotencyKey returns a fresh key for SendMessage or SendAgentMessage. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
