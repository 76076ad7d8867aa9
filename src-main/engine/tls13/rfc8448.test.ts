// RFC 8448 §3 "Simple 1-RTT Handshake": known keys in, exact secrets and record bytes out.
import { describe, it, expect } from 'vitest';
import { fromHex, toHex } from './bytes';
import { x25519FromPrivate, x25519Shared } from './keys';
import { Transcript, applicationSecrets, finishedVerifyData, handshakeSecrets, resumptionMasterSecret, trafficKeys, hkdfExpandLabel } from './key-schedule';
import { RecordProtection } from './record';
import { KeyLog } from './keylog';
import { decryptConnection, parseKeyLog } from './decrypt';
import { concatBytes } from './bytes';

// {client} / {server} ephemeral x25519 private keys (RFC 8448 §3).
const CLIENT_PRIVATE = '49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005';
const CLIENT_PUBLIC = '99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c';
const SERVER_PRIVATE = 'b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e';
const SERVER_PUBLIC = 'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f';

// The ClientHello and ServerHello handshake messages (RFC 8448 §3).
const CLIENT_HELLO =
  '010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001';
const SERVER_HELLO =
  '020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304';

// {server} send handshake record: EncryptedExtensions .. Finished under the server handshake key.
const SERVER_FLIGHT_RECORD =
  '17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca' +
  '07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b' +
  'd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c' +
  '7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092' +
  '8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a8' +
  '9441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f' +
  '4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a3' +
  '6ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e' +
  '1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052c' +
  'f93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe' +
  '5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb' +
  '5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038' +
  'ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd50278' +
  '4016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e' +
  '750edc53370d2b';
const SERVER_FINISHED = '140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718';
const CLIENT_FINISHED = '14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61';
const CLIENT_FINISHED_RECORD = '170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546';
const CLIENT_APP_RECORD = '1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4';
const CLIENT_ALERT_RECORD = '1703030013c9872760655666b74d7ff1153efd6db6d0b0e3';
const SERVER_TICKET_RECORD =
  '17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d41d6af8f6b580dcf3d11d63c758db289a' +
  '015940252f55713e061dc13e078891a38efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e0' +
  '9c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406f16e3fc181a77ca475840025db2f0a77' +
  'f81b5ab05b94c01346755f69232c86519d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74' +
  'bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf15985684f';
const SERVER_APP_RECORD = '17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d';
const SERVER_ALERT_RECORD = '1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9';

describe('TLS 1.3 key schedule and records: RFC 8448 §3 Simple 1-RTT Handshake', () => {
  const client = x25519FromPrivate(fromHex(CLIENT_PRIVATE));
  const server = x25519FromPrivate(fromHex(SERVER_PRIVATE));
  const transcript = new Transcript();
  transcript.add(fromHex(CLIENT_HELLO));
  transcript.add(fromHex(SERVER_HELLO));
  const helloHash = transcript.hash();
  const shared = x25519Shared(server, client.publicKey)!;
  const hs = handshakeSecrets(shared, helloHash);

  it('derives the X25519 public keys and the ECDHE shared secret', () => {
    expect(toHex(client.publicKey)).toBe(CLIENT_PUBLIC);
    expect(toHex(server.publicKey)).toBe(SERVER_PUBLIC);
    expect(toHex(shared)).toBe('8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d');
    expect(toHex(x25519Shared(client, server.publicKey)!)).toBe(toHex(shared));
    expect(x25519Shared(client, new Uint8Array(32))).toBeUndefined();
  });

  it('derives the early, handshake and master secrets and the handshake traffic keys', () => {
    expect(toHex(helloHash)).toBe('860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8');
    expect(toHex(hs.earlySecret)).toBe('33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a');
    expect(toHex(hs.handshakeSecret)).toBe('1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac');
    expect(toHex(hs.clientHandshakeTrafficSecret)).toBe('b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21');
    expect(toHex(hs.serverHandshakeTrafficSecret)).toBe('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38');
    expect(toHex(hs.masterSecret)).toBe('18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919');
    const s = trafficKeys(hs.serverHandshakeTrafficSecret);
    expect([toHex(s.key), toHex(s.iv)]).toEqual(['3fce516009c21727d0f2e4e86ee403bc', '5d313eb2671276ee13000b30']);
    const c = trafficKeys(hs.clientHandshakeTrafficSecret);
    expect([toHex(c.key), toHex(c.iv)]).toEqual(['dbfaa693d1762c5b666af5d950258d01', '5bd3c71b836e0b76bb73265f']);
    expect(toHex(hkdfExpandLabel(hs.serverHandshakeTrafficSecret, 'finished', new Uint8Array(0), 32))).toBe('008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8');
  });

  it('opens the server flight, checks both Finished messages and derives the application secrets', () => {
    const fromServer = new RecordProtection(trafficKeys(hs.serverHandshakeTrafficSecret));
    const flight = fromServer.open(fromHex(SERVER_FLIGHT_RECORD));
    expect(flight.ok).toBe(true);
    if (!flight.ok) return;
    expect(flight.contentType).toBe(22);
    expect(flight.content.length).toBe(657);
    expect(toHex(flight.content.subarray(flight.content.length - 36))).toBe(SERVER_FINISHED);
    // Transcript through CertificateVerify -> server Finished.
    transcript.add(flight.content.subarray(0, flight.content.length - 36));
    expect(toHex(finishedVerifyData(hs.serverHandshakeTrafficSecret, transcript.hash()))).toBe(SERVER_FINISHED.slice(8));
    transcript.add(fromHex(SERVER_FINISHED));
    const sfHash = transcript.hash();
    expect(toHex(sfHash)).toBe('9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13');
    expect(toHex(finishedVerifyData(hs.clientHandshakeTrafficSecret, sfHash))).toBe(CLIENT_FINISHED.slice(8));
    const app = applicationSecrets(hs.masterSecret, sfHash);
    expect(toHex(app.clientApplicationTrafficSecret)).toBe('9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5');
    expect(toHex(app.serverApplicationTrafficSecret)).toBe('a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643');
    expect(toHex(app.exporterMasterSecret)).toBe('fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50');
    transcript.add(fromHex(CLIENT_FINISHED));
    expect(toHex(resumptionMasterSecret(hs.masterSecret, transcript.hash()))).toBe('7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c');
    const sa = trafficKeys(app.serverApplicationTrafficSecret);
    expect([toHex(sa.key), toHex(sa.iv)]).toEqual(['9f02283b6c9c07efc26bb9f2ac92e356', 'cf782b88dd83549aadf1e984']);
    const ca = trafficKeys(app.clientApplicationTrafficSecret);
    expect([toHex(ca.key), toHex(ca.iv)]).toEqual(['17422dda596ed5d9acd890e3c63f5051', '5b78923dee08579033e523d9']);
  });

  it('seals the client records byte for byte and opens the server records', () => {
    const clientHs = new RecordProtection(trafficKeys(hs.clientHandshakeTrafficSecret));
    expect(toHex(clientHs.seal(22, fromHex(CLIENT_FINISHED)))).toBe(CLIENT_FINISHED_RECORD);
    const sfHash = fromHex('9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13');
    const app = applicationSecrets(hs.masterSecret, sfHash);
    const clientApp = new RecordProtection(trafficKeys(app.clientApplicationTrafficSecret));
    const counting = Uint8Array.from({ length: 50 }, (_, i) => i);
    expect(toHex(clientApp.seal(23, counting))).toBe(CLIENT_APP_RECORD);
    expect(toHex(clientApp.seal(21, Uint8Array.of(1, 0)))).toBe(CLIENT_ALERT_RECORD);

    const serverApp = new RecordProtection(trafficKeys(app.serverApplicationTrafficSecret));
    const ticket = serverApp.open(fromHex(SERVER_TICKET_RECORD));
    expect(ticket.ok && [ticket.contentType, ticket.content.length, ticket.content[0]]).toEqual([22, 205, 4]);
    const data = serverApp.open(fromHex(SERVER_APP_RECORD));
    expect(data.ok && [data.contentType, toHex(data.content)]).toEqual([23, toHex(counting)]);
    const alert = serverApp.open(fromHex(SERVER_ALERT_RECORD));
    expect(alert.ok && [alert.contentType, Array.from(alert.content)]).toEqual([21, [1, 0]]);
  });

  it('fails cleanly on tampering, the wrong sequence number and short records; pads on request', () => {
    const sfHash = fromHex('9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13');
    const app = applicationSecrets(hs.masterSecret, sfHash);
    const keys = trafficKeys(app.serverApplicationTrafficSecret);
    const wrongSeq = new RecordProtection(keys);
    expect(wrongSeq.open(fromHex(SERVER_APP_RECORD))).toMatchObject({ ok: false, error: /bad_record_mac/ });
    const tampered = fromHex(SERVER_TICKET_RECORD);
    tampered[20] ^= 1;
    expect(new RecordProtection(keys).open(tampered)).toMatchObject({ ok: false });
    expect(new RecordProtection(keys).open(fromHex('1703030001ff'))).toMatchObject({ ok: false, error: /too short/ });
    const a = new RecordProtection(keys);
    const b = new RecordProtection(keys);
    const padded = a.seal(23, Uint8Array.of(1, 2, 3), 10);
    expect(padded.length).toBe(5 + 3 + 1 + 10 + 16);
    expect(b.open(padded)).toMatchObject({ ok: true, contentType: 23, content: Uint8Array.of(1, 2, 3) });
  });

  it('decrypts the whole RFC 8448 connection from an NSS key log, switching keys at each Finished', () => {
    const keyLog = [
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
      'CLIENT_TRAFFIC_SECRET_0 cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
      'SERVER_TRAFFIC_SECRET_0 cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
      'garbage line',
    ].join('\n');
    // The RFC's records: the hellos travel in plaintext records (16 03 01 / 16 03 03 headers).
    const client = concatBytes([fromHex('16030100c4' + CLIENT_HELLO), fromHex(CLIENT_FINISHED_RECORD), fromHex(CLIENT_APP_RECORD), fromHex(CLIENT_ALERT_RECORD)]);
    const server = concatBytes([fromHex('160303005a' + SERVER_HELLO), fromHex(SERVER_FLIGHT_RECORD), fromHex(SERVER_TICKET_RECORD), fromHex(SERVER_APP_RECORD), fromHex(SERVER_ALERT_RECORD)]);
    const r = decryptConnection(parseKeyLog(keyLog), client, server);
    expect(r.error).toBeUndefined();
    expect(r.clientRandom).toBe('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
    const summary = r.records.map((x) => `${x.direction} ${x.outerType}->${x.innerType ?? '-'} ${x.keyPhase ?? '-'} ${x.content?.length ?? 0}`);
    expect(summary).toEqual([
      'client 22->- - 0', 'client 23->22 handshake 36', 'client 23->23 application 50', 'client 23->21 application 2',
      'server 22->- - 0', 'server 23->22 handshake 657', 'server 23->22 application 205', 'server 23->23 application 50', 'server 23->21 application 2',
    ]);
    expect(toHex(r.records[1].content!)).toBe(CLIENT_FINISHED);
    // Without the application secrets the handshake still decrypts and the rest says why not.
    const partial = decryptConnection(parseKeyLog(keyLog.split('\n').slice(0, 2).join('\n')), client, server);
    expect(partial.records[2].error).toMatch(/no CLIENT_TRAFFIC_SECRET_0/);
    expect(partial.records[5].innerType).toBe(22);
    expect(decryptConnection(new Map(), client, server).error).toMatch(/no secrets for client random/);
    expect(decryptConnection(new Map(), server, client).error).toMatch(/does not start with a ClientHello/);
  });

  it('writes the NSS key log lines for the connection', () => {
    const log = new KeyLog();
    const clientRandom = fromHex(CLIENT_HELLO).subarray(6, 38);
    log.add('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientRandom, hs.clientHandshakeTrafficSecret);
    log.add('SERVER_HANDSHAKE_TRAFFIC_SECRET', clientRandom, hs.serverHandshakeTrafficSecret);
    expect(log.text()).toBe(
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21\n' +
        'SERVER_HANDSHAKE_TRAFFIC_SECRET cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38\n',
    );
  });
});
