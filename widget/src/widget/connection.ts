// The socket to the desk's /visitor namespace: socket.io-client's reconnection (with backoff),
// acks with time limits, and the connect refusals of docs/protocol.md.

import { io, Socket } from "socket.io-client";
import { Ack, VisitorAuth } from "./protocol";

export interface LinkEvents {
  /** Connected (again); `session` follows. */
  connected(): void;
  /** Lost; `willRetry` says whether socket.io reconnects by itself. */
  disconnected(reason: string, willRetry: boolean): void;
  /** The server refused the connection (`invalid_token`, `store_unavailable`...). */
  refused(reason: string): void;
  /** A server event (`session`, `message`, `state`...). */
  event(name: string, payload: unknown): void;
}

const EVENTS = [
  "session",
  "message",
  "typing",
  "read",
  "state",
  "desk",
  "lang",
  "escalated",
  "forgotten",
  "blocked",
  "error",
];

export class Link {
  private socket: Socket | null = null;

  constructor(
    private readonly url: string,
    private readonly path: string,
    private readonly auth: () => VisitorAuth,
    private readonly on: LinkEvents,
  ) {}

  get connected(): boolean {
    return this.socket !== null && this.socket.connected;
  }

  /** Connect, unless connected or already trying. */
  start(): void {
    if (this.socket === null) {
      this.socket = this.create();
    }
    if (!this.socket.connected) this.socket.connect();
  }

  /** Drop the connection and connect again at once (new auth, or the network is back). */
  restart(): void {
    this.socket?.disconnect();
    this.start();
  }

  /** Disconnect and do not come back until start(). */
  stop(): void {
    this.socket?.disconnect();
  }

  /** Emit with an ack; rejects when not connected, on disconnection or after `timeout` ms. */
  call<T = Record<string, unknown>>(
    event: string,
    payload: unknown,
    timeout = 10_000,
  ): Promise<Ack<T>> {
    const socket = this.socket;
    if (socket === null || !socket.connected) return Promise.reject(new Error("not connected"));
    return new Promise((resolve, reject) => {
      socket.timeout(timeout).emit(event, payload, (err: Error | null, ack: Ack<T>) => {
        if (err) reject(err);
        else resolve(ack);
      });
    });
  }

  /** Emit without an ack; dropped when not connected (typing is not worth buffering). */
  send(event: string, payload: unknown): void {
    if (this.connected) this.socket?.emit(event, payload);
  }

  private create(): Socket {
    const socket = io(this.url, {
      path: this.path,
      autoConnect: false,
      // WebSocket first (one connection, no cookies); long-polling when it is blocked.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      timeout: 10_000,
      withCredentials: false,
      // Evaluated at every (re)connection: the latest token, seq and language.
      auth: (cb: (data: object) => void) => cb(this.auth()),
    });
    socket.on("connect", () => this.on.connected());
    socket.on("disconnect", (reason: string) => {
      // socket.io reconnects by itself unless we, or the server, closed on purpose.
      this.on.disconnected(reason, socket.active);
    });
    socket.on("connect_error", (err: Error) => {
      // A refusal by the server stops socket.io's retries; a transport error does not.
      if (!socket.active) this.on.refused(err.message);
    });
    for (const name of EVENTS) {
      socket.on(name, (payload: unknown) => this.on.event(name, payload));
    }
    return socket;
  }
}
