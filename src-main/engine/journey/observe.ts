// Journey recording of an HTTP client (the browser's, the CDN edge's towards its origin): each
// certificate check and each exchange on the wire, with the time its request was written, so the
// story names the frames that carried it even inside TLS.
import { formatUrl } from '../../../src-shared/web';
import { headerValue } from '../../../src-shared/net/wire/http';
import type { HttpClient } from '../services/http/client';
import type { JourneyRecorder } from './record';

export function observeHttpClient(client: HttpClient, device: string, recorder: JourneyRecorder, now: () => number): void {
  client.onTlsEvent = (url, e, server, clientPort) => {
    if (e.kind !== 'certificate') return;
    const result = e.verdict.ok ? 'valid, signed by the lab CA' : `${e.verdict.code}: ${e.verdict.reason}`;
    recorder.tls({ device, server, port: url.port, clientPort, host: url.host, ok: e.verdict.ok, result });
  };
  client.onExchange = (x) => {
    recorder.exchange({
      device, server: x.server, port: x.port, clientPort: x.localPort, sentUs: x.sentAt, doneUs: now(), method: 'GET', url: formatUrl(x.url), status: x.status,
      cacheStatus: headerValue(x.headers, 'cache-status') ?? '', source: x.status === 304 ? 'revalidated' : 'network',
    });
  };
}
