#!/bin/bash
# Makes the TLS 1.2 CBC (MAC-then-encrypt) fixtures: tls12-cbc-sha.pcapng + .keys (AES128-SHA, RSA
# key exchange, 0x002f), tls12-cbc-sha256.pcapng + .keys (ECDHE-RSA-AES128-SHA256, 0xc027) and
# tls12-cbc-sha384.pcapng + .keys (ECDHE-RSA-AES256-SHA384, 0xc028, SHA-384 PRF): openssl s_server
# -www answers one HTTP/1.0 GET from openssl s_client, which writes the NSS key log (-keylogfile).
# -no_etm: plain RFC 5246 MAC-then-encrypt (openssl offers encrypt-then-MAC by default);
# tls12-cbc-etm.pcapng + .keys (ECDHE-RSA-AES128-SHA, 0xc013) keeps RFC 7366 encrypt-then-MAC.
# tls10-cbc / tls11-cbc (.pcapng + .keys): AES128-SHA over TLS 1.0 (implicit IVs) and TLS 1.1
# (MD5/SHA-1 PRF), MAC-then-encrypt, at openssl's security level 0.
# Captured on lo with tshark, ports 18447-18452. Run as root; `$0 DIR etm` makes only the ETM
# capture, `$0 DIR old` only the TLS 1.0/1.1 ones.
set -eu
OUT=${1:-.}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 365 \
  -subj "/C=NL/O=PacketLab Test/CN=cbc.example.test" -addext "subjectAltName=DNS:cbc.example.test" 2>/dev/null
run() { # port file cipher [mac-mode option] [version option]
  rm -f "$OUT/$2.keys"
  tshark -q -i lo -f "tcp port $1" -w "$OUT/$2.pcapng" 2>/dev/null &
  local cap=$!
  sleep 2
  openssl s_server -accept "$1" -cert "$DIR/cert.pem" -key "$DIR/key.pem" ${5:--tls1_2} -cipher "$3" ${4--no_etm} -www -naccept 1 >/dev/null 2>&1 &
  local srv=$!
  sleep 1
  printf 'GET /index.html HTTP/1.0\r\nHost: cbc.example.test\r\n\r\n' |
    timeout 5 openssl s_client -connect "127.0.0.1:$1" -servername cbc.example.test ${5:--tls1_2} -cipher "$3" ${4--no_etm} -keylogfile "$OUT/$2.keys" -ign_eof >/dev/null 2>&1 || true
  sleep 1
  kill "$srv" 2>/dev/null || true
  kill -INT "$cap"
  wait "$cap" || true
}
case "${2:-all}" in
  all)
    run 18447 tls12-cbc-sha AES128-SHA
    run 18448 tls12-cbc-sha256 ECDHE-RSA-AES128-SHA256
    run 18449 tls12-cbc-sha384 ECDHE-RSA-AES256-SHA384
    ;&
  etm)
    run 18450 tls12-cbc-etm ECDHE-RSA-AES128-SHA ""
    [ "${2:-all}" = etm ] && exit 0
    ;&
  old)
    run 18451 tls10-cbc 'AES128-SHA@SECLEVEL=0' -no_etm -tls1
    run 18452 tls11-cbc 'ECDHE-RSA-AES256-SHA@SECLEVEL=0' -no_etm -tls1_1
    ;;
esac
# editcap --inject-secrets tls,tls12-cbc-sha384.keys tls12-cbc-sha384.pcapng tls12-cbc-sha384-dsb.pcapng
