// Sealed-bid envelope, format version 1 (docs/envelope-format.md), for browsers.
// WebCrypto only (ECDH P-256, HKDF-SHA256, AES-256-GCM, ECDSA P-256): no custom crypto, no Node modules,
// so the web app serves this same file and the .NET test suite runs it under Node's WebCrypto.

const subtle = globalThis.crypto.subtle;
const enc = new TextEncoder();

/** Suite id of P-256 / HKDF-SHA256 / AES-256-GCM in the envelope header. */
export const SUITE_P256 = 1;
/** Suite name as written in manifests and keys. */
export const SUITE_P256_NAME = 'P256-HKDF-SHA256-AES256GCM';
/** Format version this module writes. */
export const FORMAT_VERSION = 1;
/** Default payload chunk size: 1 MiB. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;
const MIN_CHUNK = 16;
const MAX_CHUNK = 1 << 24;
const MAX_ID_BYTES = 256;
const MAGIC = [0x54, 0x52, 0x42, 0x45]; // "TRBE"

/** Concatenates byte arrays. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** ASCII label followed by a zero byte (domain separation). */
export function label(text) { return concat(enc.encode(text), new Uint8Array([0])); }

function u16(v) { return new Uint8Array([(v >>> 8) & 0xff, v & 0xff]); }
function u32(v) { return new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]); }
function u64(v) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v));
  return b;
}

function checkId(value, field, allowEmpty) {
  const bytes = enc.encode(value);
  if ((!allowEmpty && bytes.length === 0) || bytes.length > MAX_ID_BYTES) throw new Error(`header field ${field} must be ${allowEmpty ? 0 : 1}..${MAX_ID_BYTES} UTF-8 bytes`);
  // Same rule as EnvelopeHeader.CheckId in C#: no control or format characters (bidi overrides, zero-width), NFC only.
  if (/[\p{Cc}\p{Cf}]/u.test(value)) throw new Error(`header field ${field}: control and format characters are not allowed`);
  if (value !== value.normalize('NFC')) throw new Error(`header field ${field} must be in Unicode normalisation form C (NFC)`);
  return bytes;
}

/** UTF-8 with a 16-bit big-endian length prefix. */
export function lengthPrefixed(value) {
  const b = enc.encode(value);
  return concat(u16(b.length), b);
}

export function toHex(bytes) { return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join(''); }
export function fromHex(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new Error('not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}
function b64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function fromB64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, c => c.charCodeAt(0));
}

async function sha256(bytes) { return new Uint8Array(await subtle.digest('SHA-256', bytes)); }

/** key id = SHA-256("trading/joint-key/v1" 0x00 || suite id (u16) || Y). */
export async function computeKeyId(jointPublicKey) {
  return sha256(concat(label('trading/joint-key/v1'), u16(SUITE_P256), jointPublicKey));
}

/** The exact header bytes (section "Header" of the spec); h.suiteId defaults to suite 1 (envelope-sm.mjs passes 2). */
export function encodeHeader(h) {
  if (h.chunkSize < MIN_CHUNK || h.chunkSize > MAX_CHUNK) throw new Error(`chunk size ${h.chunkSize} is outside ${MIN_CHUNK}..${MAX_CHUNK}`);
  const tender = checkId(h.tender, 'tender', false);
  const lot = checkId(h.lot, 'lot', true);
  const bidder = checkId(h.bidder, 'bidder', false);
  if (h.jointKeyId.length !== 32 || h.ephemeralPoint.length !== 65 || h.salt.length !== 32) throw new Error('bad header field length');
  return concat(new Uint8Array(MAGIC), new Uint8Array([FORMAT_VERSION]), u16(h.suiteId ?? SUITE_P256),
    u16(tender.length), tender, u16(lot.length), lot, u16(bidder.length), bidder,
    h.jointKeyId, h.ephemeralPoint, h.salt, u32(h.chunkSize));
}

/** header hash = SHA-256("trading/envelope/v1/header" 0x00 || header). */
export async function headerHash(headerBytes) {
  return sha256(concat(label('trading/envelope/v1/header'), headerBytes));
}

async function hkdf(ikm, salt, info, bytes) {
  const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
}

/** info for the key-encryption key: label || suite id || tender || lot || bidder (each length-prefixed). */
export function kekInfo(tender, lot, bidder) {
  return concat(label('trading/envelope/v1/kek'), u16(SUITE_P256), lengthPrefixed(tender), lengthPrefixed(lot), lengthPrefixed(bidder));
}

/** STREAM nonce: prefix (7) || big-endian counter (4) || last flag (1). */
export function chunkNonce(prefix, counter, last) {
  return concat(prefix, u32(counter), new Uint8Array([last ? 1 : 0]));
}

async function* pieces(source) {
  if (source instanceof Uint8Array) { yield source; return; }
  if (typeof Blob !== 'undefined' && source instanceof Blob) source = source.stream();
  if (source && typeof source.getReader === 'function') {
    const reader = source.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  for await (const p of source) yield p;
}

/** Re-chunks any source into chunkSize pieces, looking one piece ahead so the final chunk is known: { data, last }. */
export async function* chunks(source, chunkSize) {
  let buf = new Uint8Array(chunkSize);
  let fill = 0;
  let pending = null;
  for await (const piece of pieces(source)) {
    let off = 0;
    while (off < piece.length) {
      const n = Math.min(chunkSize - fill, piece.length - off);
      buf.set(piece.subarray(off, off + n), fill);
      fill += n; off += n;
      if (fill === chunkSize) {
        if (pending) yield { data: pending, last: false };
        pending = buf;
        buf = new Uint8Array(chunkSize);
        fill = 0;
      }
    }
  }
  if (fill > 0 || !pending) {
    if (pending) yield { data: pending, last: false };
    yield { data: buf.subarray(0, fill), last: true };
  } else {
    yield { data: pending, last: true };
  }
}

async function ephemeralKey(testInputs) {
  if (testInputs?.ephemeralJwk) {
    const jwk = { kty: 'EC', crv: 'P-256', ext: true, ...testInputs.ephemeralJwk };
    const privateKey = await subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    return { privateKey, r: concat(new Uint8Array([4]), fromB64url(jwk.x), fromB64url(jwk.y)) };
  }
  const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  return { privateKey: pair.privateKey, r: new Uint8Array(await subtle.exportKey('raw', pair.publicKey)) };
}

/**
 * Seals a bid. Yields the envelope as a sequence of Uint8Array parts (header, wrapped key, then one part per
 * chunk) so a caller can stream it to an upload without holding it. `onHeader` receives the header, its hash
 * and (for test vectors) every derived value.
 * options: { jointPublicKey (65-byte Uint8Array), tender, lot, bidder, chunkSize?, plaintext (Uint8Array | Blob |
 * ReadableStream | async iterable), onHeader?, testInputs? ({ ephemeralJwk, fileKey, salt }, test vectors only) }
 */
export async function* sealEnvelopeParts(options) {
  const { jointPublicKey, tender, lot, bidder, plaintext, testInputs } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!(jointPublicKey instanceof Uint8Array) || jointPublicKey.length !== 65 || jointPublicKey[0] !== 4) throw new Error('joint key must be a 65-byte uncompressed P-256 point');
  const y = await subtle.importKey('raw', jointPublicKey, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const { privateKey, r } = await ephemeralKey(testInputs);
  const z = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: y }, privateKey, 256));
  const salt = testInputs?.salt ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
  const fileKey = testInputs?.fileKey ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
  const jointKeyId = await computeKeyId(jointPublicKey);
  const header = encodeHeader({ tender, lot, bidder, jointKeyId, ephemeralPoint: r, salt, chunkSize });
  const hh = await headerHash(header);

  const kek = await hkdf(z, concat(r, jointPublicKey), kekInfo(tender, lot, bidder), 32);
  const kekKey = await subtle.importKey('raw', kek, 'AES-GCM', false, ['encrypt']);
  // The kek is fresh per envelope (fresh ephemeral key), so the fixed zero nonce is used once.
  const wrapped = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), additionalData: hh, tagLength: 128 }, kekKey, fileKey));
  const okm = await hkdf(fileKey, salt, label('trading/envelope/v1/payload'), 39);
  const payloadKey = okm.subarray(0, 32);
  const prefix = okm.subarray(32);
  options.onHeader?.({ header, headerHash: hh, r, z, kek, fileKey, salt, wrapped, payloadKey, noncePrefix: prefix, jointKeyId });
  const aes = await subtle.importKey('raw', payloadKey, 'AES-GCM', false, ['encrypt']);

  yield header;
  yield wrapped;
  let counter = 0;
  for await (const { data, last } of chunks(plaintext, chunkSize)) {
    if (counter > 0xffffffff) throw new Error('too many chunks');
    const iv = chunkNonce(prefix, counter, last);
    yield new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: hh, tagLength: 128 }, aes, data));
    counter++;
  }
}

/**
 * Seals a bid into one Uint8Array and builds its manifest (which needs the envelope's SHA-256: WebCrypto has no
 * incremental digest, so this form holds the envelope in memory).
 */
export async function sealEnvelope(options) {
  let info = null;
  const parts = [];
  for await (const p of sealEnvelopeParts({ ...options, onHeader: h => { info = h; options.onHeader?.(h); } })) parts.push(p);
  const envelope = concat(...parts);
  const manifest = {
    suite: SUITE_P256_NAME, tender: options.tender, lot: options.lot, bidder: options.bidder,
    headerHash: toHex(info.headerHash), envelopeSha256: toHex(await sha256(envelope)), envelopeLength: envelope.length,
  };
  return { envelope, manifest, headerHash: info.headerHash };
}

/** The exact bytes a manifest signature covers (spec section "Manifest"). */
export function manifestSigningBytes(m) {
  return concat(label('trading/manifest/v1'), lengthPrefixed(m.suite), lengthPrefixed(m.tender), lengthPrefixed(m.lot),
    lengthPrefixed(m.bidder), fromHex(m.headerHash), fromHex(m.envelopeSha256), u64(m.envelopeLength));
}

/** Signs a manifest with an ECDSA P-256 CryptoKeyPair; returns the SignedManifest JSON shape the server reads. */
export async function signManifest(manifest, keyPair) {
  const signature = new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, manifestSigningBytes(manifest)));
  const spki = new Uint8Array(await subtle.exportKey('spki', keyPair.publicKey));
  return { manifest, signature: toHex(signature), signerPublicKey: toHex(spki) };
}
