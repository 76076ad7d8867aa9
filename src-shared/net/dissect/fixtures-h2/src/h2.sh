#!/bin/bash
# Makes the HTTP/2 fixtures (run as root, from anywhere; writes into OUT, default ..):
#  h2-get.pcapng     curl --http2 over TLS 1.3 (ALPN h2): four GETs on one connection (dynamic
#                    table reuse, Huffman-coded headers), a 60 kB body in many DATA frames/records,
#                    a 404, a response header block split into HEADERS + CONTINUATION
#  h2-post.pcapng    curl --http2: a POST with a JSON body, then a GET with a large request header
#  h2-frames.pcapng  node's http2 client (h2-client.mjs, key log from the 'keylog' event) and a
#                    server padding every frame: PING, priority, PRIORITY, server push
#                    (PUSH_PROMISE), GOAWAY
#  h2c-prior.pcapng  curl --http2-prior-knowledge over cleartext TCP (h2c); the committed one was
#                    captured with `dumpcap -a duration:6` by hand (dumpcap sometimes ignores SIGINT)
# Each TLS capture gets its key log (SSLKEYLOGFILE, curl writes it) as NAME.keys and a copy with
# the keys in a Decryption Secrets Block (editcap --inject-secrets) as NAME-dsb.pcapng.
# Server: h2-server.mjs (node http2, self-signed cert). Captured on lo with dumpcap.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "${1:-$HERE/..}" && pwd)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 365 \
  -subj "/C=NL/O=PacketLab Test/CN=h2.example.test" -addext "subjectAltName=DNS:h2.example.test" 2>/dev/null
capture() { # port name command...
  local port=$1 name=$2; shift 2
  rm -f "$OUT/$name.keys" "$OUT/$name.pcapng" "$OUT/$name-dsb.pcapng"
  dumpcap -q -i lo -f "tcp port $port" -a duration:${DURATION:-8} -w "$DIR/$name.pcapng" 2>/dev/null &
  local cap=$!
  sleep 2
  "$@"
  sleep 1
  # dumpcap stops by itself (-a duration): on lo it sometimes ignores SIGINT while idle
  wait "$cap" || true
  cp "$DIR/$name.pcapng" "$OUT/$name.pcapng"
}
tls_server() { node "$HERE/h2-server.mjs" "$1" "$DIR/cert.pem" "$DIR/key.pem" >/dev/null & SRV=$!; sleep 1; }

get() {
  tls_server 18471
  local u=https://h2.example.test:18471
  SSLKEYLOGFILE="$OUT/h2-get.keys" curl -s --http2 -k --resolve h2.example.test:18471:127.0.0.1 \
    "$u/" "$u/index.html?q=1" "$u/big" "$u/missing" "$u/large-headers" >/dev/null
  kill "$SRV" 2>/dev/null || true
}
post() {
  tls_server 18472
  local u=https://h2.example.test:18472
  local big; big=$(printf 'v%.0s' $(seq 1 20000))
  SSLKEYLOGFILE="$OUT/h2-post.keys" curl -s --http2 -k --resolve h2.example.test:18472:127.0.0.1 \
    -H 'content-type: application/json' -d '{"name":"packetlab","items":[1,2,3]}' "$u/api/items" \
    --next -s --http2 -k --resolve h2.example.test:18472:127.0.0.1 -H "x-large: $big" "$u/with-large-header" >/dev/null
  kill "$SRV" 2>/dev/null || true
}
frames() {
  PADDING=1 node "$HERE/h2-server.mjs" 18474 "$DIR/cert.pem" "$DIR/key.pem" >/dev/null & SRV=$!; sleep 1
  rm -f "$OUT/h2-frames.keys"
  timeout 10 node "$HERE/h2-client.mjs" 18474 "$OUT/h2-frames.keys" || true
  kill "$SRV" 2>/dev/null || true
}
h2c() {
  node "$HERE/h2-server.mjs" 18473 >/dev/null & SRV=$!; sleep 1
  curl -s --http2-prior-knowledge "http://127.0.0.1:18473/" "http://127.0.0.1:18473/h2c?x=1" >/dev/null
  kill "$SRV" 2>/dev/null || true
}
# ONLY=name runs one of them
[ -z "${ONLY:-}" ] || [ "$ONLY" = h2-get ] && capture 18471 h2-get get
[ -z "${ONLY:-}" ] || [ "$ONLY" = h2-post ] && capture 18472 h2-post post
[ -z "${ONLY:-}" ] || [ "$ONLY" = h2c-prior ] && capture 18473 h2c-prior h2c
[ -z "${ONLY:-}" ] || [ "$ONLY" = h2-frames ] && capture 18474 h2-frames frames
for n in h2-get h2-post h2-frames; do
  [ -f "$OUT/$n.keys" ] || continue
  editcap --inject-secrets "tls,$OUT/$n.keys" "$OUT/$n.pcapng" "$OUT/$n-dsb.pcapng"
done
