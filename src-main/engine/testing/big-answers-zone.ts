// Test data: a root zone whose answers do not fit in UDP, for the truncation and TCP-retry tests.
// big.test holds 7 TXT records of 200 bytes (1572 bytes of answer: over 512 without EDNS and over
// 1232 with it); the root server itself is a.root-servers.test at 10.0.0.53.
export const BIG_ANSWERS_ZONE: readonly string[] = [
  '$ORIGIN .', '$TTL 3600',
  '@ IN SOA a.root-servers.test. hostmaster.test. 1 7200 900 1209600 300',
  '@ IN NS a.root-servers.test.',
  'a.root-servers.test. IN A 10.0.0.53',
  ...Array.from({ length: 7 }, (_, i) => `big.test. IN TXT "${String(i).repeat(200)}"`),
];
