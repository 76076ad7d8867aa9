// HTTP/2 server for the fixtures: TLS (ALPN h2) when given a cert and key, cleartext (h2c,
// prior knowledge) otherwise. Usage: node h2-server.mjs PORT [CERT KEY]
import http2 from 'node:http2';
import fs from 'node:fs';

const [port, cert, key] = process.argv.slice(2);
// A body larger than one DATA frame (16384) and than one TLS record, text so tshark shows it.
const big = Array.from({ length: 1500 }, (_, i) => `line ${i} of the large HTTP/2 response body\n`).join('');

function handle(stream, headers) {
  const path = headers[':path'];
  if (headers[':method'] === 'POST') {
    const parts = [];
    stream.on('data', (c) => parts.push(c));
    stream.on('end', () => {
      const body = JSON.stringify({ received: Buffer.concat(parts).length });
      stream.respond({ ':status': 201, 'content-type': 'application/json', 'content-length': body.length });
      stream.end(body);
    });
    return;
  }
  if (path === '/push' && stream.pushAllowed) {
    // A server push: PUSH_PROMISE, then the promised stream's HEADERS and DATA
    stream.pushStream({ ':path': '/pushed.css' }, (err, push) => {
      if (err) return;
      push.respond({ ':status': 200, 'content-type': 'text/css' });
      push.end('body { color: teal; }\n');
    });
    stream.respond({ ':status': 200, 'content-type': 'text/html' });
    stream.end('<html><head><link rel="stylesheet" href="/pushed.css"></head></html>\n');
    return;
  }
  if (path === '/big') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': big.length });
    stream.end(big);
  } else if (path === '/large-headers') {
    // A header block larger than SETTINGS_MAX_FRAME_SIZE: sent as HEADERS + CONTINUATION.
    const cookies = {};
    for (let i = 0; i < 12; i++) cookies[`x-filler-${i}`] = `${i}`.repeat(1) + 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(50);
    stream.respond({ ':status': 200, 'content-type': 'text/plain', ...cookies });
    stream.end('large headers\n');
  } else if (path === '/missing') {
    stream.respond({ ':status': 404, 'content-type': 'text/plain' });
    stream.end('not found\n');
  } else {
    stream.respond({ ':status': 200, 'content-type': 'text/html', 'cache-control': 'max-age=60', 'x-request-path': path });
    stream.end(`<html><body>hello ${path}</body></html>\n`);
  }
}

// PADDING=1: pad every frame that can be padded (DATA, HEADERS, PUSH_PROMISE)
const padding = process.env.PADDING ? { paddingStrategy: http2.constants.PADDING_STRATEGY_MAX } : {};
const server = cert
  ? http2.createSecureServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key), allowHTTP1: false, ...padding })
  : http2.createServer(padding);
server.on('stream', handle);
server.listen(Number(port), '127.0.0.1', () => console.log('listening'));
setTimeout(() => server.close(() => process.exit(0)), 15000).unref();
process.on('SIGTERM', () => process.exit(0));
