#!/bin/bash
# Makes tls13-keyupdate.pcapng + tls13-keyupdate.keys: openssl s_server -rev echoes lines reversed
# (no application protocol: tshark shows the plaintext as data); the client sends "k" (KeyUpdate)
# and "K" (KeyUpdate, update_requested: the server updates too) between lines. EC P-256 key,
# TLS 1.3 TLS_AES_256_GCM_SHA384. Captured on lo, port 18447. Run as root.
# Then: editcap --inject-secrets tls,tls13-keyupdate.keys tls13-keyupdate.pcapng tls13-keyupdate-dsb.pcapng
set -eu
OUT=${1:-.}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 365 -subj "/CN=ku.example.test" 2>/dev/null
rm -f "$OUT/tls13-keyupdate.keys"
tshark -q -i lo -f "tcp port 18447" -w "$OUT/tls13-keyupdate.pcapng" 2>/dev/null &
CAP=$!
sleep 2
openssl s_server -accept 18447 -cert "$DIR/cert.pem" -key "$DIR/key.pem" -tls1_3 -naccept 1 -rev >/dev/null 2>&1 &
SRV=$!
sleep 1
(printf 'hello one\n'; sleep 0.5; printf 'k\n'; sleep 0.5; printf 'hello two\n'; sleep 0.5; printf 'K\n'; sleep 0.5; printf 'hello three\n'; sleep 0.5) |
  timeout 6 openssl s_client -connect 127.0.0.1:18447 -tls1_3 -keylogfile "$OUT/tls13-keyupdate.keys" >/dev/null 2>&1 || true
sleep 1
kill "$SRV" 2>/dev/null || true
kill -INT "$CAP"
wait "$CAP" || true
