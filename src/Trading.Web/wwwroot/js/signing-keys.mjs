// The firm's signing keys in this browser: ECDSA P-256 made by WebCrypto with the private key non-extractable (no
// script, not even this one, can read it out), or SM2 (suite 2) made by the bundled SM module, kept in IndexedDB and
// found again by the SHA-256 of the public key, which is what the firm's certificate names. The certificate request is
// PKCS#10, built from a few DER parts (here for P-256, in the SM module for SM2).

const DB = 'trading-signing-keys';
const STORE = 'keys';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'keySha256' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function tx(mode, fn) {
  return open().then(db => new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const result = fn(t.objectStore(STORE));
    t.oncomplete = () => { db.close(); resolve(result.result); };
    t.onerror = () => { db.close(); reject(t.error); };
  }));
}

export function toHex(bytes) { return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join(''); }

export async function sha256Hex(bytes) { return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))); }

/** Makes a key pair (private part non-extractable) and keeps it; returns it with its SPKI and the SPKI's SHA-256. */
export async function makeKey() {
  const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keyPair.publicKey));
  const keySha256 = await sha256Hex(spki);
  await tx('readwrite', s => s.put({ keySha256, privateKey: keyPair.privateKey, publicKey: keyPair.publicKey, createdAt: new Date().toISOString() }));
  return { keyPair, spki, keySha256 };
}

/**
 * Makes an SM2 key pair (suite 2) with the bundled SM module and keeps it. WebCrypto has no SM2, so the private key is
 * a scalar held as a value in IndexedDB: not sent anywhere, but readable by this site's own scripts (docs/certificates.md).
 */
export async function makeSm2Key() {
  const sm = await import('/lib/envelope-sm.mjs');
  const key = sm.createSigningKey();
  const spki = sm.subjectPublicKeyInfo(key.publicKey);
  const keySha256 = await sha256Hex(spki);
  await tx('readwrite', s => s.put({ keySha256, kind: 'sm2', sm2PrivateKey: key.privateKey, sm2PublicKey: toHex(key.publicKey), createdAt: new Date().toISOString() }));
  return { sm2Key: key, spki, keySha256 };
}

/** A PKCS#10 request (PEM) for an SM2 key, signed SM3withSM2 with it (the SM module builds the DER). */
export async function sm2CertificateRequest(sm2Key, commonName) {
  const sm = await import('/lib/envelope-sm.mjs');
  return pem(sm.certificationRequest(sm2Key, commonName));
}

/**
 * The first of the given key hashes whose key this browser holds, or null: a P-256 key as a CryptoKeyPair (keyPair),
 * an SM2 key as { privateKey, publicKey } for the SM module (sm2Key).
 */
export async function findKey(keySha256s) {
  for (const h of keySha256s) {
    const row = await tx('readonly', s => s.get(h));
    if (row && row.kind === 'sm2') {
      const publicKey = new Uint8Array(row.sm2PublicKey.match(/../g).map(b => parseInt(b, 16)));
      return { keySha256: h, sm2Key: { privateKey: row.sm2PrivateKey, publicKey } };
    }
    if (row) return { keySha256: h, keyPair: { privateKey: row.privateKey, publicKey: row.publicKey } };
  }
  return null;
}

/** Drops a key this browser made, e.g. when the request for its certificate was refused: no key waits here for nothing. */
export async function forgetKey(keySha256) {
  await tx('readwrite', s => s.delete(keySha256));
}

/** Which of the given key hashes this browser holds. */
export async function heldKeys(keySha256s) {
  const held = [];
  for (const h of keySha256s) if (await tx('readonly', s => s.get(h))) held.push(h);
  return held;
}

// DER: tag, length, content.
function der(tag, ...parts) {
  const body = concat(...parts);
  const n = body.length;
  let len;
  if (n < 0x80) len = [n];
  else if (n < 0x100) len = [0x81, n];
  else if (n < 0x10000) len = [0x82, n >> 8, n & 0xff];
  else throw new Error('DER length');
  return concat(new Uint8Array([tag, ...len]), body);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// An ECDSA signature as WebCrypto gives it (r || s) in the DER form X.509 wants: SEQUENCE { INTEGER r, INTEGER s }.
function derSignature(p1363) {
  const int = v => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const t = v.subarray(i);
    return der(0x02, t[0] & 0x80 ? concat(new Uint8Array([0]), t) : t);
  };
  return der(0x30, int(p1363.subarray(0, 32)), int(p1363.subarray(32)));
}

/** A PKCS#10 request (PEM) for the key, signed with it: the proof that whoever asks holds the key. The centre sets the subject. */
export async function certificateRequest(keyPair, spki, commonName) {
  const oidCn = new Uint8Array([0x06, 0x03, 0x55, 0x04, 0x03]);
  const name = der(0x30, der(0x31, der(0x30, oidCn, der(0x0c, new TextEncoder().encode(commonName)))));
  const info = der(0x30, new Uint8Array([0x02, 0x01, 0x00]), name, spki, new Uint8Array([0xa0, 0x00]));
  const ecdsaSha256 = der(0x30, new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]));
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, info));
  return pem(der(0x30, info, ecdsaSha256, der(0x03, new Uint8Array([0]), derSignature(signature))));
}

function pem(csr) {
  const b64 = btoa(String.fromCharCode(...csr)).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64.trim()}\n-----END CERTIFICATE REQUEST-----\n`;
}

/**
 * A key for one signing only (an event certificate's key, 事件型证书), kept nowhere: ECDSA P-256 made by WebCrypto with the
 * private key non-extractable, or for suite 2 an SM2 key from the SM module (a value in this page's memory, dropped with
 * it). With it, its certificate request (the centre sets the subject) and a function that signs bytes (r || s).
 */
export async function makeOneTimeKey(sm2, commonName) {
  if (sm2) {
    const sm = await import('/lib/envelope-sm.mjs');
    const key = sm.createSigningKey();
    return { requestPem: pem(sm.certificationRequest(key, commonName)), sign: async bytes => sm.signBytes(bytes, key) };
  }
  const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keyPair.publicKey));
  return {
    requestPem: await certificateRequest(keyPair, spki, commonName),
    sign: async bytes => new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, bytes)),
  };
}
