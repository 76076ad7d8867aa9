// Simulation speed of the TCP endpoint: 10 MiB through the link harness (10 ms, 100 Mbit/s),
// without loss and with 1 % of the data segments dropped. Prints wall time and segments/s.
// npx esbuild build/bench/tcp-transfer.ts --bundle --platform=node --format=esm --outfile=/tmp/bench-tcp.mjs && node /tmp/bench-tcp.mjs
import { LinkHarness } from '../../src-main/engine/transport/tcp/link-harness';
import { TcpSocket } from '../../src-main/engine/transport/tcp/socket';

function transfer(size: number, lossy: boolean): void {
  const a = new TcpSocket({ congestion: 'cubic' });
  const b = new TcpSocket();
  b.listen({ addr: 2, port: 80 }, 1);
  a.connect(0, { addr: 1, port: 40000 }, { addr: 2, port: 80 }, 2);
  const h = new LinkHarness(a, b, { latency: 10_000, bandwidth: 100_000_000, drop: lossy ? (from, i) => from === 'a' && i % 100 === 50 : undefined });
  const data = new Uint8Array(size);
  let off = 0;
  let got = 0;
  let closed = false;
  const t0 = performance.now();
  h.run(600_000_000, (hh) => {
    if (off < size) off += a.send(data.subarray(off));
    else if (!closed && a.state === 'ESTABLISHED') {
      a.close(hh.now);
      closed = true;
    }
    got += b.recv().length;
    if (b.state === 'CLOSE-WAIT') b.close(hh.now);
  });
  const ms = performance.now() - t0;
  const s = a.snapshot();
  console.log(
    `${size / 1048576} MiB, ${lossy ? '1% loss' : 'no loss'}: ${ms.toFixed(0)} ms, ${h.log.length} segments (${Math.round((h.log.length / ms) * 1000)}/s), received ${got}, retransmits ${s.retransmits}`,
  );
}

for (let round = 0; round < 3; round++) {
  transfer(10 * 1048576, false);
  transfer(10 * 1048576, true);
}
