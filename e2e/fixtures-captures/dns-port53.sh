#!/bin/sh
# How dns-port53.pcapng was made: Node's resolver (c-ares, a real DNS client) sends A, AAAA, MX, TXT and NS
# queries one after the other to 127.0.0.1:53 where nothing listens, so the Linux kernel answers with ICMP port
# unreachable quoting each query; tshark captures it on loopback. Run as root.
set -e
out=${1:-dns-port53.pcapng}
tshark -i lo -f "udp port 53 or icmp" -w "$out" -a duration:4 >/dev/null 2>&1 &
sleep 1.5
node -e '
const { Resolver } = require("node:dns");
const r = new Resolver({ timeout: 300, tries: 1 });
r.setServers(["127.0.0.1:53"]);
const steps = [["resolve4", "www.example.test"], ["resolve6", "www.example.test"], ["resolveMx", "example.test"], ["resolveTxt", "example.test"], ["resolveNs", "example.test"]];
const next = () => { const s = steps.shift(); if (s) r[s[0]](s[1], next); };
next();
'
wait
# dns-http-merged.pcapng: mergecap -w dns-http-merged.pcapng dns-port53.pcapng http-keepalive-3req.pcapng
