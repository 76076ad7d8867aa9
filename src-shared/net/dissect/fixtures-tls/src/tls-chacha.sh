#!/bin/bash
# Makes tls13-chacha.pcapng + tls13-chacha.keys (TLS_CHACHA20_POLY1305_SHA256) and
# tls12-chacha.pcapng + tls12-chacha.keys (ECDHE-RSA-CHACHA20-POLY1305): openssl s_server -www
# answers one HTTP/1.0 GET from openssl s_client, which writes the NSS key log (-keylogfile).
# Captured on lo with tshark, ports 18445 (TLS 1.3) and 18446 (TLS 1.2). Run as root.
set -eu
OUT=${1:-.}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 365 \
  -subj "/C=NL/O=PacketLab Test/CN=chacha.example.test" -addext "subjectAltName=DNS:chacha.example.test" 2>/dev/null
run() { # port file server-options client-options
  rm -f "$OUT/$2.keys"
  tshark -q -i lo -f "tcp port $1" -w "$OUT/$2.pcapng" 2>/dev/null &
  local cap=$!
  sleep 2
  openssl s_server -accept "$1" -cert "$DIR/cert.pem" -key "$DIR/key.pem" $3 -www -naccept 1 >/dev/null 2>&1 &
  local srv=$!
  sleep 1
  printf 'GET /index.html HTTP/1.0\r\nHost: chacha.example.test\r\n\r\n' |
    timeout 5 openssl s_client -connect "127.0.0.1:$1" -servername chacha.example.test $4 -keylogfile "$OUT/$2.keys" -ign_eof >/dev/null 2>&1 || true
  sleep 1
  kill "$srv" 2>/dev/null || true
  kill -INT "$cap"
  wait "$cap" || true
}
run 18445 tls13-chacha "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256" "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256"
run 18446 tls12-chacha "-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305" "-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305"
editcap --inject-secrets tls,tls13-chacha.keys tls13-chacha.pcapng tls13-chacha-dsb.pcapng (and the same for tls12-chacha)
