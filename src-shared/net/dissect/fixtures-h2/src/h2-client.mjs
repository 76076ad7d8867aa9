// HTTP/2 client for h2-frames.pcapng: node's http2 over TLS, writing the NSS key log from the
// 'keylog' event. Exercises PING, a request with priority (weight), a PRIORITY frame, server
// push (PUSH_PROMISE), padded frames, and GOAWAY at the end.
// Usage: node h2-client.mjs PORT KEYLOGFILE
import http2 from 'node:http2';
import fs from 'node:fs';
import tls from 'node:tls';

const [port, keylog] = process.argv.slice(2);
const client = http2.connect(`https://h2.example.test:${port}`, {
  createConnection: () => {
    const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'h2.example.test', ALPNProtocols: ['h2'], rejectUnauthorized: false });
    socket.on('keylog', (line) => fs.appendFileSync(keylog, line));
    return socket;
  },
  paddingStrategy: http2.constants.PADDING_STRATEGY_MAX,
  settings: { headerTableSize: 8192, enablePush: true, maxHeaderListSize: 65536 },
});
client.on('stream', (push) => push.on('data', () => {}).on('end', () => {}));

function get(path, options = {}) {
  return new Promise((resolve) => {
    const req = client.request({ ':path': path, 'user-agent': 'packetlab-h2-fixture' }, options);
    req.on('data', () => {});
    req.on('end', resolve);
    req.end();
    return req;
  });
}

client.on('connect', async () => {
  await new Promise((r) => client.ping(Buffer.from('pktlab01'), r));
  await get('/push');
  await get('/index.html', { weight: 200 });
  const req = client.request({ ':path': '/missing' });
  req.priority({ weight: 42, exclusive: false, parent: 0, silent: false });
  req.on('data', () => {});
  await new Promise((r) => req.on('end', r).end());
  client.goaway(0);
  setTimeout(() => client.close(), 200);
});
