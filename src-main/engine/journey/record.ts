// What the journey's story needs beyond the frames, recorded as structured events when it happens
// (never parsed back from log text): the steps without frames (url, cache, render), the TLS
// certificate checks, and each HTTP exchange with the time its request went out, so the story can
// name the frames that carried it even inside TLS. Recording is a push of a small object at a
// browser decision: a handful per page load.
import type { Micros } from '../sim/time';
import type { JourneyStep } from './steps';

/** A step that happened on a device with no frame of its own (or a decision worth telling). */
export interface JourneyEvent {
  step: JourneyStep;
  device: string;
  time: Micros;
  /** Frames captured before it: orders it among the frames of the same instant. */
  afterFrame: number;
  /** One English sentence. */
  summary: string;
  /** Facts for localized sentences ("kind": "browser-dns-hit", "name": "www.example.com", …). */
  facts: Record<string, string>;
  /** The detailed reasons (address bar steps, cache explanations). */
  causes: string[];
}

/** A TLS certificate check by a client, to attach to the handshake's frames. */
export interface TlsCheck {
  device: string;
  time: Micros;
  server: number;
  port: number;
  /** The client's port: with the server endpoint, names the connection. */
  clientPort: number;
  host: string;
  ok: boolean;
  /** "valid, signed by the lab CA" or the failure reason. */
  result: string;
}

/** One HTTP request and its response on the wire (not for responses from the private cache). */
export interface HttpExchange {
  device: string;
  server: number;
  port: number;
  /** The client's port (0 when unknown): with the server endpoint, names the connection. */
  clientPort: number;
  /** When the request was written and when the whole response had arrived. */
  sentUs: Micros;
  doneUs: Micros;
  method: string;
  url: string;
  /** 0 when the exchange failed. */
  status: number;
  /** Cache-Status of the response (RFC 9211), or '' when there is none. */
  cacheStatus: string;
  /** 'network' or 'revalidated' (a 304 that freshened the private cache). */
  source: string;
}

export class JourneyRecorder {
  readonly events: JourneyEvent[] = [];
  readonly tlsChecks: TlsCheck[] = [];
  readonly exchanges: HttpExchange[] = [];

  constructor(
    private readonly frameCount: () => number,
    private readonly now: () => Micros,
  ) {}

  /** The present moment, to record later what was decided now (an OS cache miss known when the answer comes). */
  mark(): { time: Micros; afterFrame: number } {
    return { time: this.now(), afterFrame: this.frameCount() };
  }

  add(step: JourneyStep, device: string, summary: string, facts: Record<string, string>, causes: string[] = [], at = this.mark()): void {
    this.events.push({ step, device, time: at.time, afterFrame: at.afterFrame, summary, facts, causes });
  }

  tls(check: Omit<TlsCheck, 'time'>): void {
    this.tlsChecks.push({ ...check, time: this.now() });
  }

  exchange(x: HttpExchange): void {
    this.exchanges.push(x);
  }
}
