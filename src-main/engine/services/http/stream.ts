// A byte stream for HTTP: a TCP connection, optionally with TLS 1.3 on it. The application sees
// open / data / close whether or not TLS is there; TLS events (handshake messages, certificate
// verdict) are reported for the journey's tls step.
import { TlsClient, TlsServer, type TlsEvent, type TlsOutput } from '../../tls13';
import type { TcpConnection, TcpHandlers } from '../../stack/tcp-stack';

export interface StreamHandlers {
  onOpen?(): void;
  onData?(data: Uint8Array): void;
  onClose?(cause: string): void;
  onTls?(e: TlsEvent): void;
}

export class HttpStream {
  handlers: StreamHandlers = {};
  closed = false;

  constructor(
    readonly tcp: TcpConnection,
    readonly tls: TlsClient | TlsServer | null,
  ) {}

  /** TCP handlers that feed this stream (install them on the connection). */
  tcpHandlers(): TcpHandlers {
    return {
      onConnected: () => {
        if (this.tls instanceof TlsClient) this.push(this.tls.start());
        else if (!this.tls) this.handlers.onOpen?.();
      },
      onData: (_c, data) => {
        if (!this.tls) this.handlers.onData?.(data);
        else this.push(this.tls.receive(data));
      },
      onPeerClosed: () => this.finish('the peer closed the connection'),
      onClosed: (_c, cause) => this.finish(cause),
    };
  }

  /** A server stream starts as soon as the connection is accepted (TLS waits for the ClientHello). */
  accepted(): void {
    if (!this.tls) this.handlers.onOpen?.();
  }

  write(data: Uint8Array): void {
    if (this.closed) return;
    if (!this.tls) this.tcp.send(data);
    else this.push(this.tls.send(data));
  }

  close(): void {
    if (this.closed) return;
    if (this.tls && this.tls.state === 'connected') this.push(this.tls.close());
    this.tcp.close();
  }

  private push(out: TlsOutput): void {
    if (out.output.length) this.tcp.send(out.output);
    for (const e of out.events) {
      this.handlers.onTls?.(e);
      if (e.kind === 'connected') this.handlers.onOpen?.();
      else if (e.kind === 'data') this.handlers.onData?.(e.data);
      else if (e.kind === 'alert' && !e.sent) this.finish(`TLS alert: ${e.reason}`);
      else if (e.kind === 'alert' && e.sent) {
        this.tcp.close();
        this.finish(`TLS failed: ${e.reason}`);
      }
    }
  }

  private finish(cause: string): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose?.(cause);
  }
}
