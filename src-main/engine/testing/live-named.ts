// Test support: a live BIND `named` on 127.0.0.1 to compare our DNS pieces with the real thing, and
// a one-shot UDP query. Tests that use it need Debian's bind9 and fail, not skip, without it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitDns, parseDns, type DnsMessage } from '../../../src-shared/net/wire/dns';

/** Sends `q` to 127.0.0.1:`port` over UDP; the reply with the same ID, or undefined after the timeout. */
export function askUdp(port: number, q: DnsMessage, timeoutMs = 1000): Promise<DnsMessage | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      resolve(undefined);
    }, timeoutMs);
    sock.on('message', (msg) => {
      const p = parseDns(new Uint8Array(msg));
      if (!p.ok || p.value.message.id !== q.id) return;
      clearTimeout(timer);
      sock.close();
      resolve(p.value.message);
    });
    sock.send(emitDns(q), port, '127.0.0.1');
  });
}

export interface LiveNamed {
  port: number;
  /** named's stderr so far, for error messages. */
  logs: string[];
  stop(): void;
}

export interface NamedOptions {
  /** Folder for the config, pid file and zone files (the zones' `file` names are relative to it). */
  dir: string;
  /** Config and pid file names inside `dir` (several servers may share a folder). */
  name: string;
  port: number;
  /** More lines inside `options { … }` (recursion, minimal-responses, …). */
  options: string[];
  /** Statements after the options, e.g. `zone "." { type primary; file "root.zone"; };`. */
  statements: string[];
  /** Resolves once this query is answered (named loads its zones in well under a second here). */
  ready: DnsMessage;
}

export async function startNamed(o: NamedOptions): Promise<LiveNamed> {
  const conf = join(o.dir, `${o.name}.conf`);
  writeFileSync(
    conf,
    [
      'options {', `  directory "${o.dir}";`, `  pid-file "${o.dir}/${o.name}.pid";`, `  listen-on port ${o.port} { 127.0.0.1; };`, '  listen-on-v6 { none; };',
      ...o.options.map((l) => `  ${l}`), '};', 'controls { };', ...o.statements, '',
    ].join('\n'),
  );
  const logs: string[] = [];
  const proc: ChildProcess = spawn('named', ['-g', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', (b: Buffer) => logs.push(b.toString()));
  proc.on('error', (e) => logs.push(`named: ${e.message}`));
  const server = { port: o.port, logs, stop: () => void proc.kill('SIGTERM') };
  for (let i = 0; i < 40; i++) if (await askUdp(o.port, o.ready, 250)) return server;
  server.stop();
  throw new Error(`named (${o.name}) did not answer on port ${o.port}:\n${logs.join('')}`);
}
