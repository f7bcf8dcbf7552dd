// Test runner for suite 2: drives src/Trading.Crypto/js/envelope-sm.mjs under Node for the .NET tests.
// Usage: node runner-sm.mjs <vectors|samples|seal|certificate-request> <input.json> <path to envelope-sm.mjs>
// Only this runner touches Node APIs (files); the module itself stays browser-only.
import { readFile, writeFile, open } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';

const [, , command, inputPath, modulePath] = process.argv;
const m = await import(pathToFileURL(modulePath).href);
const e1 = await import(pathToFileURL(modulePath.replace(/envelope-sm\.mjs$/, 'envelope.mjs')).href);
const { sm3, sm4 } = await import('sm-crypto-v2');
const input = JSON.parse(await readFile(inputPath, 'utf8'));
const hex = e1.toHex, bytes = e1.fromHex;
const ascii = s => new TextEncoder().encode(s);

function check(mismatches, name, expected, actual) {
  const a = actual instanceof Uint8Array ? hex(actual) : actual;
  if (a !== expected) mismatches.push({ name, expected, actual: a });
}

// Reproduces every value of docs/test-vectors/envelope-sm2-v1.json from its fixed inputs.
async function vectors() {
  const results = [];
  for (const v of input.vectors) {
    const e = v.envelope;
    const mismatches = [];
    const y = bytes(v.ceremony.jointPublicKey);
    check(mismatches, 'joint key on the SM2 curve', true, m.isSm2Point(y));
    check(mismatches, 'keyId', v.ceremony.keyId, m.computeKeyId(y));
    check(mismatches, 'kekInfo', e.kekInfo, m.kekInfo(e.tender, e.lot, e.bidder));
    let seen = null;
    const sealed = await m.sealEnvelope({
      jointPublicKey: y, tender: e.tender, lot: e.lot, bidder: e.bidder, chunkSize: e.chunkSize,
      plaintext: bytes(e.plaintext),
      testInputs: { ephemeral: e.ephemeralPrivate, fileKey: bytes(e.fileKey), salt: bytes(e.salt) },
      onHeader: h => { seen = h; },
    });
    check(mismatches, 'R', e.R, seen.r);
    check(mismatches, 'z', e.z, seen.z);
    check(mismatches, 'kekSalt', e.kekSalt, e1.concat(seen.r, y));
    check(mismatches, 'kek', e.kek, seen.kek);
    check(mismatches, 'header', e.header, seen.header);
    check(mismatches, 'headerHash', e.headerHash, seen.headerHash);
    check(mismatches, 'wrappedKey', e.wrappedKey, seen.wrapped);
    check(mismatches, 'payloadKey', e.payloadKey, seen.payloadKey);
    check(mismatches, 'noncePrefix', e.noncePrefix, seen.noncePrefix);
    let offset = bytes(e.header).length + 48;
    e.chunks.forEach((c, i) => {
      check(mismatches, `chunk ${i} nonce`, c.nonce, e1.chunkNonce(seen.noncePrefix, i, i === e.chunks.length - 1));
      const len = c.ciphertextAndTag.length / 2;
      check(mismatches, `chunk ${i} ciphertext`, c.ciphertextAndTag, sealed.envelope.subarray(offset, offset + len));
      offset += len;
    });
    check(mismatches, 'envelope', e.envelope, sealed.envelope);
    check(mismatches, 'envelopeSha256', e.envelopeSha256, sealed.manifest.envelopeSha256);
    check(mismatches, 'manifestSigningBytes', v.manifestSigningBytes, e1.manifestSigningBytes(sealed.manifest));

    // Opening from the vector's combined point: z, kek, unwrap and every chunk, with this module's SM4-GCM.
    check(mismatches, 'opening z', e.z, v.opening.z);
    const fileKey = m.sm4GcmDecrypt(bytes(e.kek), new Uint8Array(12), bytes(e.headerHash), bytes(e.wrappedKey));
    check(mismatches, 'unwrapped fileKey', e.fileKey, fileKey);
    const plain = e.chunks.map((c, i) => m.sm4GcmDecrypt(bytes(e.payloadKey), bytes(c.nonce), bytes(e.headerHash), bytes(c.ciphertextAndTag)));
    check(mismatches, 'plaintext', e.plaintext, e1.concat(...plain));

    // The manifest signature: same Z, e and (with the vector's k) the same r || s; and it verifies.
    const s = v.manifestSignature;
    const key = m.createSigningKey(s.privateKey);
    check(mismatches, 'signer public key', s.publicKey, key.publicKey);
    check(mismatches, 'signer SPKI', s.subjectPublicKeyInfo, m.subjectPublicKeyInfo(key.publicKey));
    check(mismatches, 'Z', s.z, m.zValue(key.publicKey));
    check(mismatches, 'e', s.e, bytes(sm3(e1.concat(bytes(s.z), bytes(v.manifestSigningBytes)))));
    const signed = m.signManifest(sealed.manifest, key, { k: BigInt('0x' + s.k), x1: BigInt('0x' + s.x1) });
    check(mismatches, 'signature', s.signature, signed.signature);
    check(mismatches, 'signature verifies', true, m.verifyManifest(signed));
    const bad = { ...signed, signature: signed.signature.slice(0, -1) + (signed.signature.endsWith('0') ? '1' : '0') };
    check(mismatches, 'changed signature refused', false, m.verifyManifest(bad));
    results.push({ name: v.name, mismatches });
  }
  return { results };
}

// Checks the published samples of docs/test-vectors/sm-standard-samples.json with the browser's libraries.
async function samples() {
  const mismatches = [];
  for (const s of input.sm3.samples) check(mismatches, `SM3 ${s.messageAscii.slice(0, 8)}`, s.digest, m.sm3Bytes(ascii(s.messageAscii)));
  const b = input.sm4;
  check(mismatches, 'SM4 block', b.ciphertext, Uint8Array.from(sm4.encrypt(bytes(b.plaintext), bytes(b.key), { padding: 'none', output: 'array' })));
  const g = input.sm4Gcm;
  const sealed = m.sm4GcmEncrypt(bytes(g.key), bytes(g.iv), bytes(g.aad), bytes(g.plaintext));
  check(mismatches, 'SM4-GCM ciphertext || tag', g.ciphertext + g.tag, sealed);
  check(mismatches, 'SM4-GCM decrypts', g.plaintext, m.sm4GcmDecrypt(bytes(g.key), bytes(g.iv), bytes(g.aad), sealed));
  sealed[sealed.length - 1] ^= 1;
  let refused = false;
  try { m.sm4GcmDecrypt(bytes(g.key), bytes(g.iv), bytes(g.aad), sealed); } catch { refused = true; }
  check(mismatches, 'SM4-GCM changed tag refused', true, refused);

  // The module's curve is the recommended one: its G, and n·G is the identity (n-1 gives -G).
  const c = input.sm2Curve;
  const n = BigInt('0x' + c.n), p = BigInt('0x' + c.p);
  check(mismatches, 'SM2 G', '04' + c.gx + c.gy, m.createSigningKey('1'.padStart(64, '0')).publicKey);
  const minusG = m.createSigningKey((n - 1n).toString(16).padStart(64, '0')).publicKey;
  check(mismatches, 'SM2 (n-1)G', '04' + c.gx + (p - BigInt('0x' + c.gy)).toString(16).padStart(64, '0'), minusG);
  const Sm2 = weierstrass({ p, n, h: 1n, a: BigInt('0x' + c.a), b: BigInt('0x' + c.b), Gx: BigInt('0x' + c.gx), Gy: BigInt('0x' + c.gy) });
  check(mismatches, 'SM2 curve equation holds for G (a, b)', true, (() => { try { Sm2.BASE.assertValidity(); return true; } catch { return false; } })());

  // GB/T 32918.2 A.2 on its example curve: Z_A and e with SM3, then the signature equation (noble's generic curve).
  const t = input.sm2Signature, tc = t.curve;
  const big = x => BigInt('0x' + x);
  const P = weierstrass({ p: big(tc.p), n: big(tc.n), h: 1n, a: big(tc.a), b: big(tc.b), Gx: big(tc.gx), Gy: big(tc.gy) });
  const q = P.BASE.multiply(big(t.privateKey)).toAffine();
  check(mismatches, 'example public key', t.publicKeyX + t.publicKeyY, q.x.toString(16).padStart(64, '0') + q.y.toString(16).padStart(64, '0'));
  const id = ascii(t.userIdAscii);
  const z = bytes(sm3(e1.concat(new Uint8Array([(id.length * 8) >> 8, (id.length * 8) & 0xff]), id,
    bytes(tc.a), bytes(tc.b), bytes(tc.gx), bytes(tc.gy), bytes(t.publicKeyX), bytes(t.publicKeyY))));
  check(mismatches, 'example Z_A', t.z, z);
  const e = bytes(sm3(e1.concat(z, ascii(t.messageAscii))));
  check(mismatches, 'example e', t.e, e);
  const nn = big(tc.n), k = big(t.k);
  const x1 = P.BASE.multiply(k).toAffine().x;
  const r = (big(hex(e)) + x1) % nn;
  const dInv = modInverse(1n + big(t.privateKey), nn);
  const s = (dInv * (k - r * big(t.privateKey))) % nn;
  check(mismatches, 'example r', t.r, r.toString(16).padStart(64, '0'));
  check(mismatches, 'example s', t.s, ((s + nn) % nn).toString(16).padStart(64, '0'));
  const tt = (big(t.r) + big(t.s)) % nn;
  const pt = P.BASE.multiply(big(t.s)).add(P.fromAffine(q).multiply(tt)).toAffine();
  check(mismatches, 'example signature verifies', t.r, ((big(hex(e)) + pt.x) % nn).toString(16).padStart(64, '0'));
  return { mismatches };
}

function modInverse(a, n) {
  let [r0, r1, s0, s1] = [((a % n) + n) % n, n, 1n, 0n];
  while (r1 !== 0n) { const q = r0 / r1; [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; }
  return ((s0 % n) + n) % n;
}

async function* filePieces(path, pieceSize) {
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const buf = new Uint8Array(pieceSize);
      const { bytesRead } = await fh.read(buf, 0, pieceSize, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally { await fh.close(); }
}

// Seals a file with fresh randomness (streamed, and in memory with a manifest signed by a fresh SM2 key) for C# to open.
async function seal() {
  const y = bytes(input.jointPublicKey);
  const out = await open(input.outPath, 'w');
  try {
    for await (const part of m.sealEnvelopeParts({
      jointPublicKey: y, tender: input.tender, lot: input.lot, bidder: input.bidder, chunkSize: input.chunkSize,
      plaintext: filePieces(input.plaintextPath, input.pieceSize),
    })) await out.write(part);
  } finally { await out.close(); }
  const plaintext = new Uint8Array(await readFile(input.plaintextPath));
  const sealed = await m.sealEnvelope({ jointPublicKey: y, tender: input.tender, lot: input.lot, bidder: input.bidder, chunkSize: input.chunkSize, plaintext });
  await writeFile(input.outPath + '.inmemory', sealed.envelope);
  await writeFile(input.outPath + '.manifest.json', JSON.stringify(m.signManifest(sealed.manifest, m.createSigningKey())));
  // A P-256 joint key is refused by the SM2 sealer before anything is written.
  let refused = null;
  try { for await (const _ of m.sealEnvelopeParts({ jointPublicKey: bytes(input.p256JointPublicKey), tender: input.tender, lot: input.lot, bidder: input.bidder, plaintext })) { /* none */ } } catch (e) { refused = e.message; }
  return { refusedP256Key: refused };
}

// docs/test-vectors/firm-certificate-sm2-v1.json: the firm's SM2 key and its PKCS#10 request, byte for byte with the
// vector's k; a fresh request (random k) is returned for the C# side to verify.
async function certificateRequest() {
  const mismatches = [];
  for (const v of input.requests) {
    const key = m.createSigningKey(v.privateKey);
    check(mismatches, `${v.name} SPKI`, v.subjectPublicKeyInfo, m.subjectPublicKeyInfo(key.publicKey));
    check(mismatches, `${v.name} request`, v.request, m.certificationRequest(key, v.commonName, { k: BigInt('0x' + v.k), x1: BigInt('0x' + v.x1) }));
  }
  const fresh = m.createSigningKey();
  // signBytes: what an evaluation committee member's SM2 key signs (the statement's bytes), checked in C#.
  return { mismatches, fresh: { subjectPublicKeyInfo: hex(m.subjectPublicKeyInfo(fresh.publicKey)), request: hex(m.certificationRequest(fresh, 'firm signing key')),
    statementSignature: hex(m.signBytes(ascii('{"kind":"evaluation.report.member-signature"}'), fresh)) } };
}

const commands = { vectors, samples, seal, 'certificate-request': certificateRequest };
if (!commands[command]) throw new Error(`unknown command ${command}`);
process.stdout.write(JSON.stringify(await commands[command]()));
