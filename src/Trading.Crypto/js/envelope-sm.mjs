// Sealed-bid envelope, format version 1, suite 2 (SM2-HKDF-SM3-SM4GCM; docs/envelope-format.md section 11), for browsers.
// The same layout, STREAM chunking and manifest as suite 1 (envelope.mjs, whose helpers this module reuses); what
// differs is the group (the SM2 curve of GB/T 32918.5), the hash (SM3), the HKDF (RFC 5869 with HMAC-SM3) and the
// AEAD (SM4-GCM with a 16-byte key). WebCrypto has none of these, so they come from sm-crypto-v2 (on @noble/curves,
// @noble/hashes and @noble/ciphers), bundled by esbuild into wwwroot/lib/envelope-sm.mjs; the .NET tests run this
// file under Node against the BouncyCastle implementation and the standards' published samples.
import { sm2, sm3, sm4, hkdf as hkdfSm3 } from 'sm-crypto-v2';
import { concat, label, lengthPrefixed, toHex, fromHex, chunkNonce, encodeHeader, manifestSigningBytes, chunks, DEFAULT_CHUNK_SIZE } from './envelope.mjs';

/** Suite id of SM2 / HKDF-SM3 / SM4-GCM in the envelope header. */
export const SUITE_SM2 = 2;
/** Suite name as written in manifests and keys. */
export const SUITE_SM2_NAME = 'SM2-HKDF-SM3-SM4GCM';
/** The default SM2 user id (GB/T 35276) in Z_A; every SM2 library defaults to it. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';
/** The SM4 key length: 16 bytes is SM4's only key size. */
const KEY_LENGTH = 16;
// SubjectPublicKeyInfo DER of an SM2 key is this fixed prefix (id-ecPublicKey, curve sm2p256v1) and the 65-byte point.
const SPKI_PREFIX = fromHex('3059301306072a8648ce3d020106082a811ccf5501822d034200');

function u16(v) { return new Uint8Array([(v >>> 8) & 0xff, v & 0xff]); }

/** SM3 (GB/T 32905) of bytes. */
export function sm3Bytes(bytes) { return fromHex(sm3(bytes)); }

/** RFC 5869 HKDF with HMAC-SM3. */
export function hkdf(ikm, salt, info, length) { return Uint8Array.from(hkdfSm3(ikm, salt, info, length)); }

/** SM4-GCM encryption, output ciphertext || 16-byte tag (the layout AES-GCM has in suite 1). */
export function sm4GcmEncrypt(key, iv, aad, plaintext) {
  const r = sm4.encrypt(plaintext, key, { mode: 'gcm', iv, associatedData: aad, output: 'array', outputTag: true });
  return concat(Uint8Array.from(r.output), Uint8Array.from(r.tag));
}

/** SM4-GCM decryption of ciphertext || tag; throws when the tag does not authenticate. */
export function sm4GcmDecrypt(key, iv, aad, sealed) {
  if (sealed.length < 16) throw new Error('SM4-GCM input shorter than its tag');
  const body = sealed.subarray(0, sealed.length - 16);
  return Uint8Array.from(sm4.decrypt(body, key, { mode: 'gcm', iv, associatedData: aad, tag: sealed.subarray(sealed.length - 16), output: 'array' }));
}

/** key id = SM3("trading/joint-key/v1" 0x00 || u16(2) || Y). */
export function computeKeyId(jointPublicKey) {
  return sm3Bytes(concat(label('trading/joint-key/v1'), u16(SUITE_SM2), jointPublicKey));
}

/** header hash = SM3("trading/envelope/v1/header" 0x00 || header). */
export function headerHash(headerBytes) {
  return sm3Bytes(concat(label('trading/envelope/v1/header'), headerBytes));
}

/** info for the key-encryption key: label || u16(2) || tender || lot || bidder (each length-prefixed). */
export function kekInfo(tender, lot, bidder) {
  return concat(label('trading/envelope/v1/kek'), u16(SUITE_SM2), lengthPrefixed(tender), lengthPrefixed(lot), lengthPrefixed(bidder));
}

/** True when the bytes are an uncompressed point on the SM2 curve (not the identity). */
export function isSm2Point(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 65 || bytes[0] !== 4) return false;
  try { return sm2.verifyPublicKey(toHex(bytes)); } catch { return false; } // the library throws for a point off the curve
}

// R = e·G and z = x(e·Y) on the SM2 curve. e is a fresh scalar in 1..n-1 (test vectors pass a fixed one).
function agree(jointPublicKey, ephemeralHex) {
  const e = ephemeralHex ?? sm2.generateKeyPairHex().privateKey;
  const r = fromHex(sm2.getPublicKeyFromPrivateKey(e));
  const shared = Uint8Array.from(sm2.ecdh(e, toHex(jointPublicKey), false));
  if (shared.length !== 65 || shared[0] !== 4) throw new Error('SM2 key agreement failed');
  return { r, z: shared.slice(1, 33) };
}

/**
 * Seals a bid with suite 2. Yields the envelope as parts (header, wrapped key, one part per chunk), as
 * envelope.mjs's sealEnvelopeParts does. options: { jointPublicKey (65-byte SM2 point), tender, lot, bidder,
 * chunkSize?, plaintext (Uint8Array | Blob | ReadableStream | async iterable), onHeader?, testInputs? ({ ephemeral
 * (hex scalar), fileKey, salt }, test vectors only) }
 */
export async function* sealEnvelopeParts(options) {
  const { jointPublicKey, tender, lot, bidder, plaintext, testInputs } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!isSm2Point(jointPublicKey)) throw new Error('joint key must be a 65-byte uncompressed point on the SM2 curve');
  const { r, z } = agree(jointPublicKey, testInputs?.ephemeral);
  const salt = testInputs?.salt ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
  const fileKey = testInputs?.fileKey ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
  const jointKeyId = computeKeyId(jointPublicKey);
  const header = encodeHeader({ suiteId: SUITE_SM2, tender, lot, bidder, jointKeyId, ephemeralPoint: r, salt, chunkSize });
  const hh = headerHash(header);

  const kek = hkdf(z, concat(r, jointPublicKey), kekInfo(tender, lot, bidder), KEY_LENGTH);
  // The kek is fresh per envelope (fresh ephemeral key), so the fixed zero nonce is used once.
  const wrapped = sm4GcmEncrypt(kek, new Uint8Array(12), hh, fileKey);
  const okm = hkdf(fileKey, salt, label('trading/envelope/v1/payload'), KEY_LENGTH + 7);
  const payloadKey = okm.subarray(0, KEY_LENGTH);
  const prefix = okm.subarray(KEY_LENGTH);
  options.onHeader?.({ header, headerHash: hh, r, z, kek, fileKey, salt, wrapped, payloadKey, noncePrefix: prefix, jointKeyId });

  yield header;
  yield wrapped;
  let counter = 0;
  for await (const { data, last } of chunks(plaintext, chunkSize)) {
    if (counter > 0xffffffff) throw new Error('too many chunks');
    yield sm4GcmEncrypt(payloadKey, chunkNonce(prefix, counter, last), hh, data);
    counter++;
  }
}

/** Seals a bid into one Uint8Array and builds its manifest (suite 2; the envelope hash is SHA-256, as in suite 1). */
export async function sealEnvelope(options) {
  let info = null;
  const parts = [];
  for await (const p of sealEnvelopeParts({ ...options, onHeader: h => { info = h; options.onHeader?.(h); } })) parts.push(p);
  const envelope = concat(...parts);
  const envelopeSha256 = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', envelope));
  const manifest = {
    suite: SUITE_SM2_NAME, tender: options.tender, lot: options.lot, bidder: options.bidder,
    headerHash: toHex(info.headerHash), envelopeSha256: toHex(envelopeSha256), envelopeLength: envelope.length,
  };
  return { envelope, manifest, headerHash: info.headerHash };
}

/**
 * A bidder's SM2 signing key: { privateKey (hex scalar), publicKey (65-byte point) }. WebCrypto cannot hold SM2 keys,
 * so unlike suite 1's non-extractable ECDSA key this one is a value the page must keep (see the format doc).
 */
export function createSigningKey(privateKeyHex) {
  const privateKey = privateKeyHex ?? sm2.generateKeyPairHex().privateKey;
  return { privateKey, publicKey: fromHex(sm2.getPublicKeyFromPrivateKey(privateKey)) };
}

/** The SubjectPublicKeyInfo DER of an SM2 public point (what a signed manifest names). */
export function subjectPublicKeyInfo(publicKey) { return concat(SPKI_PREFIX, publicKey); }

/** Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) with the default user id. */
export function zValue(publicKey) { return Uint8Array.from(sm2.getZ(toHex(publicKey), SM2_DEFAULT_USER_ID)); }

/**
 * Signs a suite 2 manifest: SM2 over e = SM3(Z_A || M) with the default user id, signature r || s (64 bytes).
 * testInputs ({ k, x1 } as bigints) fixes the signature nonce for test vectors only.
 */
export function signManifest(manifest, key, testInputs) {
  if (manifest.suite !== SUITE_SM2_NAME) throw new Error(`a ${manifest.suite} manifest is not signed with SM2`);
  const signature = sm2.doSignature(manifestSigningBytes(manifest), key.privateKey, {
    hash: true, der: false, publicKey: toHex(key.publicKey), userId: SM2_DEFAULT_USER_ID,
    ...(testInputs ? { pointPool: [testInputs] } : {}),
  });
  return { manifest, signature: signature.padStart(128, '0'), signerPublicKey: toHex(subjectPublicKeyInfo(key.publicKey)) };
}

/**
 * Signs arbitrary bytes with an SM2 key: SM2 over e = SM3(Z_A || M) with the default user id, r || s (64 bytes) — the
 * signature a suite 2 evaluation committee member's statement carries (the server checks it with BouncyCastle).
 */
export function signBytes(bytes, key) {
  const signature = sm2.doSignature(bytes, key.privateKey, { hash: true, der: false, publicKey: toHex(key.publicKey), userId: SM2_DEFAULT_USER_ID });
  return fromHex(signature.padStart(128, '0'));
}

// DER: tag, length (short or long form up to 64 KiB), content.
function der(tag, ...parts) {
  const body = concat(...parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : null;
  if (!len) throw new Error('DER length');
  return concat(new Uint8Array([tag, ...len]), body);
}

/** SM3withSM2 (GM/T 0006: 1.2.156.10197.1.501), with no parameters as GM/T 0015 and BouncyCastle write it. */
const SM3_WITH_SM2 = fromHex('06082a811ccf55018375');

/**
 * A PKCS#10 certification request (DER) for an SM2 signing key, signed SM3withSM2 with that key (default user id,
 * signature DER SEQUENCE { r, s }): the proof of possession the centre's SM2 CA asks for. Subject CN=commonName, an
 * empty attribute set. Byte for byte the layout BouncyCastle writes (Sm2SigningKey.CreateCertificationRequest), so
 * with the same k (testInputs, vectors only) both give the same request.
 */
export function certificationRequest(key, commonName, testInputs) {
  const oidCn = fromHex('0603550403');
  const name = der(0x30, der(0x31, der(0x30, oidCn, der(0x0c, new TextEncoder().encode(commonName)))));
  const info = der(0x30, fromHex('020100'), name, subjectPublicKeyInfo(key.publicKey), fromHex('a000'));
  const signature = sm2.doSignature(info, key.privateKey, {
    hash: true, der: true, publicKey: toHex(key.publicKey), userId: SM2_DEFAULT_USER_ID,
    ...(testInputs ? { pointPool: [testInputs] } : {}),
  });
  return der(0x30, info, der(0x30, SM3_WITH_SM2), der(0x03, new Uint8Array([0]), fromHex(signature)));
}

/** Verifies a SignedManifest of suite 2 (the signer key must be an SM2 SPKI). */
export function verifyManifest(signed) {
  const spki = fromHex(signed.signerPublicKey);
  if (signed.manifest.suite !== SUITE_SM2_NAME || spki.length !== SPKI_PREFIX.length + 65
    || toHex(spki.subarray(0, SPKI_PREFIX.length)) !== toHex(SPKI_PREFIX)) return false;
  return sm2.doVerifySignature(manifestSigningBytes(signed.manifest), signed.signature, toHex(spki.subarray(SPKI_PREFIX.length)),
    { hash: true, der: false, userId: SM2_DEFAULT_USER_ID });
}
