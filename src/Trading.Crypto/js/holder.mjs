// The key holder's side of the ceremony and the opening (docs/bidding.md, "Custody"), for an officer's browser
// and for Node. Every act that touches secret key material runs here, never on the server: the officer's transport
// key and its passphrase sealing, dealing, checking received shares (acknowledgement or complaint with evidence),
// the health check and partial decryptions, each after checking that the points asked for are frozen bids.
// WebCrypto does ECDH, HKDF, AES-GCM and SHA-256; @noble/curves (audited) does the scalar and point arithmetic
// WebCrypto does not expose (P-256, and the SM2 curve for a suite 2 ceremony, whose SM3 comes from sm-crypto-v2 through
// envelope-sm.mjs); hash-wasm does Argon2id. Formats are the C# library's (Trading.Crypto):
// the .NET tests run this module under Node against it on every test run (docs/test-vectors/holder-v1.json).

import { p256 } from '@noble/curves/nist.js';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { argon2id } from 'hash-wasm';
import { concat, label, lengthPrefixed, toHex, fromHex, SUITE_P256, SUITE_P256_NAME } from './envelope.mjs';
import { SUITE_SM2, SUITE_SM2_NAME, sm3Bytes } from './envelope-sm.mjs';

export { toHex, fromHex };

const subtle = globalThis.crypto.subtle;
// The officer transport layer (transport keys, sealing, acknowledgements, complaints) is P-256 in both suites; the
// ceremony and the opening run in the group of the ceremony's suite (docs/envelope-format.md section 11.2).
const Point = p256.Point;
const N = Point.CURVE().n;
const G = Point.BASE;
const G_BYTES = G.toBytes(false);
const enc = new TextEncoder();

/** The least Argon2id cost this module seals with, in every environment: 64 MiB and 3 passes. */
export const MIN_ARGON2 = Object.freeze({ memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 });
const KDF_NAME = 'argon2id-v19';

function u16(v) {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new Error(`${v} does not fit 16 bits`);
  return new Uint8Array([(v >>> 8) & 0xff, v & 0xff]);
}
function u32(v) { return new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]); }
function b64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const bytesOf = v => (v instanceof Uint8Array ? v : fromHex(v));
async function sha256(bytes) { return new Uint8Array(await subtle.digest('SHA-256', bytes)); }

// The SM2 recommended curve of GB/T 32918.5 (sm2p256v1), built with @noble/curves' generic Weierstrass code.
const SM2_CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};

function makeGroup(name, suiteName, suiteId, PointType, hash) {
  const n = PointType.CURVE().n;
  const g = PointType.BASE;
  return { name, suiteName, suiteId, Point: PointType, N: n, P: PointType.CURVE().p, G: g, G_BYTES: g.toBytes(false), hash, mod: a => ((a % n) + n) % n };
}
const GROUPS = [
  makeGroup('P-256', SUITE_P256_NAME, SUITE_P256, p256.Point, sha256),
  makeGroup('SM2', SUITE_SM2_NAME, SUITE_SM2, weierstrass(SM2_CURVE), async bytes => sm3Bytes(bytes)),
];
const P256_GROUP = GROUPS[0];

/** The group (curve, order, hash) of a suite name; suite 1 when none is given. */
function groupOf(suite) {
  const g = GROUPS.find(x => x.suiteName === (suite ?? SUITE_P256_NAME));
  if (!g) throw new Error(`cryptographic suite ${suite} is not supported`);
  return g;
}

function toScalar(bytes) {
  let s = 0n;
  for (const b of bytes) s = (s << 8n) | BigInt(b);
  return s;
}
/** A scalar as 32 big-endian bytes. */
export function scalarBytes(s) {
  const out = new Uint8Array(32);
  let v = s;
  for (let i = 31; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}
const mod = P256_GROUP.mod;

function decodeScalarIn(g, bytes, field, allowZero) {
  const b = bytesOf(bytes);
  if (b.length !== 32) throw new Error(`${field} must be a scalar in 1..n-1`);
  const s = toScalar(b);
  if (s >= g.N || (!allowZero && s === 0n)) throw new Error(`${field} must be a scalar in 1..n-1`);
  return s;
}

/** Decodes a 32-byte scalar of the suite's group (P-256 when none is given); zero is refused unless allowed, as in C#. */
export function decodeScalar(bytes, field, allowZero = false, suite = undefined) { return decodeScalarIn(groupOf(suite), bytes, field, allowZero); }

function decodePointIn(g, bytes, field) {
  const b = bytesOf(bytes);
  if (b.length !== 65 || b[0] !== 4) throw new Error(`${field} is not a valid uncompressed ${g.name} point`);
  let point;
  try { point = g.Point.fromBytes(b); point.assertValidity(); } catch { throw new Error(`${field} is not a valid uncompressed ${g.name} point: not on the curve`); }
  if (point.is0()) throw new Error(`${field} is the point at infinity`);
  return point;
}

/** Decodes a 65-byte uncompressed point of the suite's curve (P-256 when none is given), refusing anything off it or at infinity. */
export function decodePoint(bytes, field, suite = undefined) { return decodePointIn(groupOf(suite), bytes, field); }
const encodePoint = p => p.toBytes(false);
// The 0 scalar is legal in verification equations (a response can be 0); multiplyUnsafe accepts it.
const mulUnsafeIn = (g, p, k) => (k === 0n ? g.Point.ZERO : p.multiplyUnsafe(k));

function randomScalarIn(g) {
  for (;;) {
    const k = toScalar(globalThis.crypto.getRandomValues(new Uint8Array(32)));
    if (k > 0n && k < g.N) return k;
  }
}

/** A uniformly random scalar in 1..n-1 of the suite's group (P-256 when none is given), by rejection sampling. */
export function randomScalar(suite = undefined) { return randomScalarIn(groupOf(suite)); }

/** The group's hash (SHA-256 or SM3) over a domain label and length-framed parts, reduced mod n (EcGroup.Challenge in C#). */
async function challengeIn(g, domain, ...parts) {
  const framed = [label(domain)];
  for (const p of parts) framed.push(u32(p.length), p);
  return g.mod(toScalar(await g.hash(concat(...framed))));
}
const challenge = (domain, ...parts) => challengeIn(P256_GROUP, domain, ...parts);

function checkParameters(params) {
  const { ceremonyId, holders, threshold } = params;
  const suite = groupOf(params.suite).suiteName;
  if (!ceremonyId) throw new Error('the key ceremony record is inconsistent: ceremony id is empty');
  if (!(holders >= 2 && holders <= 64) || !(threshold >= 2 && threshold <= holders)) throw new Error(`threshold ${threshold} of ${holders} holders is not allowed`);
  return { ceremonyId, holders, threshold, suite };
}
function checkIndex(params, index) {
  if (!Number.isInteger(index) || index < 1 || index > params.holders) throw new Error(`holder index ${index} is outside 1..${params.holders}`);
}

// ---------------------------------------------------------------- officer transport key and its sealing

/** A fresh officer transport key: { scalar, point } (the point is what the officer publishes). */
export function createTransportKey(testScalar) {
  const scalar = testScalar ?? randomScalar();
  return { scalar, point: encodePoint(G.multiply(scalar)) };
}

function sealAssociatedData(s) {
  return concat(label('trading/sealed-share/v1'), lengthPrefixed(s.suite), lengthPrefixed(s.kdf),
    u16(s.argon2.parallelism), u32(s.argon2.memoryKiB), u32(s.argon2.iterations),
    lengthPrefixed(s.officerId), u16(s.holderIndex), fromHex(s.keyId), fromHex(s.salt));
}

async function deriveSealKey(passphrase, s) {
  const out = await argon2id({
    password: enc.encode(passphrase.normalize('NFC')), salt: fromHex(s.salt), parallelism: s.argon2.parallelism,
    iterations: s.argon2.iterations, memorySize: s.argon2.memoryKiB, hashLength: 32, outputType: 'binary',
  });
  return subtle.importKey('raw', out, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/**
 * Seals the officer's transport key under its passphrase (Argon2id + AES-256-GCM), in the C# SealedShare format,
 * so the sealed record may be kept on the server and the passphrase never leaves this machine.
 */
export async function sealTransportKey(key, holderIndex, officerId, passphrase, argon2 = MIN_ARGON2, testInputs) {
  if (argon2.memoryKiB < MIN_ARGON2.memoryKiB || argon2.iterations < MIN_ARGON2.iterations || argon2.parallelism < 1 || argon2.parallelism > 16)
    throw new Error(`Argon2id parameters are out of range: at least ${MIN_ARGON2.memoryKiB} KiB and ${MIN_ARGON2.iterations} passes`);
  const record = {
    version: 1, suite: SUITE_P256_NAME, kdf: KDF_NAME,
    argon2: { memoryKiB: argon2.memoryKiB, iterations: argon2.iterations, parallelism: argon2.parallelism },
    officerId, holderIndex, keyId: toHex(await sha256(key.point)),
    salt: toHex(testInputs?.salt ?? globalThis.crypto.getRandomValues(new Uint8Array(16))),
    nonce: toHex(testInputs?.nonce ?? globalThis.crypto.getRandomValues(new Uint8Array(12))),
    ciphertext: '',
  };
  const aes = await deriveSealKey(passphrase, record);
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: fromHex(record.nonce), additionalData: sealAssociatedData(record), tagLength: 128 }, aes, scalarBytes(key.scalar)));
  return { ...record, ciphertext: toHex(ct) };
}

/** Unseals a transport key with the passphrase and checks it is the published point's. */
export async function unsealTransportKey(sealed, point, passphrase) {
  const pt = bytesOf(point);
  decodePoint(pt, 'transport key');
  if (sealed.version !== 1 || sealed.kdf !== KDF_NAME || sealed.suite !== SUITE_P256_NAME) throw new Error('the sealed share record is malformed');
  if (toHex(await sha256(pt)) !== sealed.keyId) throw new Error('the sealed share record is malformed: transport key does not match the published point');
  const aes = await deriveSealKey(passphrase, sealed);
  let plain;
  try {
    plain = new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: fromHex(sealed.nonce), additionalData: sealAssociatedData(sealed), tagLength: 128 }, aes, fromHex(sealed.ciphertext)));
  } catch {
    const e = new Error(`the passphrase does not unseal the key of holder ${sealed.holderIndex} for officer '${sealed.officerId}'`);
    e.code = 'WrongPassphrase';
    throw e;
  }
  const scalar = decodeScalar(plain, 'transport key');
  if (!G.multiply(scalar).equals(decodePoint(pt, 'transport key'))) throw new Error('the sealed key does not match the published point');
  return { scalar, point: pt };
}

// ---------------------------------------------------------------- share transport (ECIES, C# ShareTransport)

function transportInfo(params, dealer, recipient) {
  return concat(label('trading/ceremony/v1/share-transport'), lengthPrefixed(params.suite), lengthPrefixed(params.ceremonyId), u16(dealer), u16(recipient));
}

async function ecdh(scalar, ownPoint, peerPoint) {
  const jwk = { kty: 'EC', crv: 'P-256', ext: false, d: b64url(scalarBytes(scalar)), x: b64url(ownPoint.subarray(1, 33)), y: b64url(ownPoint.subarray(33)) };
  const priv = await subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const pub = await subtle.importKey('raw', peerPoint, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: pub }, priv, 256));
}

async function transportKey(z, ephemeralPoint, recipientPoint, info, usage) {
  const ikm = await subtle.importKey('raw', z, 'HKDF', false, ['deriveBits']);
  const bits = new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: concat(ephemeralPoint, recipientPoint), info }, ikm, 256));
  return subtle.importKey('raw', bits, 'AES-GCM', false, [usage]);
}

/** Encrypts one 32-byte share to one officer's transport point (a fresh ephemeral key each time, so a zero nonce). */
export async function encryptShare(params, dealer, recipient, value, officerPoint, testEphemeral) {
  params = checkParameters(params);
  checkIndex(params, dealer); checkIndex(params, recipient);
  const to = bytesOf(officerPoint);
  decodePoint(to, 'recipient transport key');
  const eph = createTransportKey(testEphemeral);
  const z = await ecdh(eph.scalar, eph.point, to);
  const info = transportInfo(params, dealer, recipient);
  const aes = await transportKey(z, eph.point, to, info, 'encrypt');
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), additionalData: info, tagLength: 128 }, aes, value));
  return { officerPoint: toHex(to), share: { ceremonyId: params.ceremonyId, dealerIndex: dealer, recipientIndex: recipient, ephemeralPoint: toHex(eph.point), ciphertext: toHex(ct) } };
}

async function decryptWithSecret(params, share, z, officerPoint) {
  const info = transportInfo(params, share.dealerIndex, share.recipientIndex);
  const aes = await transportKey(z, fromHex(share.ephemeralPoint), officerPoint, info, 'decrypt');
  try {
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12), additionalData: info, tagLength: 128 }, aes, fromHex(share.ciphertext)));
  } catch {
    return null;
  }
}

/** Decrypts a share relayed to this officer; null when it does not decrypt (the dealer's fault: complain). */
export async function decryptShare(params, share, officerKey) {
  params = checkParameters(params);
  if (share.ceremonyId !== params.ceremonyId || fromHex(share.ciphertext).length !== 48) return null;
  const e = fromHex(share.ephemeralPoint);
  decodePoint(e, 'share transport ephemeral point');
  return decryptWithSecret(params, share, await ecdh(officerKey.scalar, officerKey.point, e), officerKey.point);
}

// ---------------------------------------------------------------- dealing (Feldman VSS, C# HolderDealer/KeyCeremony)

function schnorrChallenge(params, index, c0, a) {
  const g = groupOf(params.suite);
  return challengeIn(g, 'trading/ceremony/v1/schnorr', lengthPrefixed(params.suite), lengthPrefixed(params.ceremonyId), u16(params.holders), u16(params.threshold), u16(index), g.G_BYTES, c0, a);
}

function evaluate(g, coefficients, x) {
  let acc = coefficients[coefficients.length - 1];
  for (let k = coefficients.length - 2; k >= 0; k--) acc = g.mod(acc * BigInt(x) + coefficients[k]);
  return acc;
}

function commitmentAt(points, x) {
  let acc = points[points.length - 1];
  for (let k = points.length - 2; k >= 0; k--) acc = acc.multiply(BigInt(x)).add(points[k]);
  return acc;
}

/**
 * Deals this holder's part of the joint key: a random polynomial of degree t-1, its Feldman commitments, a Schnorr
 * proof of the constant term, and the share f(j) of every holder j encrypted to every officer of j
 * (officers: { [holderIndex]: [transport point, ...] }). Returns the HolderDealing to post; the polynomial is
 * dropped when this returns (JavaScript cannot wipe a BigInt; nothing keeps a reference).
 */
export async function deal(params, dealerIndex, officers, testInputs) {
  params = checkParameters(params);
  checkIndex(params, dealerIndex);
  const g = groupOf(params.suite);
  const coefficients = testInputs?.coefficients?.map(c => decodeScalarIn(g, c, 'coefficient')) ?? Array.from({ length: params.threshold }, () => randomScalarIn(g));
  if (coefficients.length !== params.threshold) throw new Error('a dealing has exactly t coefficients');
  const points = coefficients.map(a => g.G.multiply(a));
  const c0 = encodePoint(points[0]);
  const k = testInputs?.proofNonce ? decodeScalarIn(g, testInputs.proofNonce, 'proof nonce') : randomScalarIn(g);
  const c = await schnorrChallenge(params, dealerIndex, c0, encodePoint(g.G.multiply(k)));
  const s = g.mod(k + c * coefficients[0]);
  const commitment = {
    dealerIndex, coefficients: points.map(p => toHex(encodePoint(p))),
    proof: { challenge: toHex(scalarBytes(c)), response: toHex(scalarBytes(s)) },
  };
  const shares = [];
  let e = 0;
  for (let j = 1; j <= params.holders; j++) {
    const list = officers[j] ?? [];
    if (list.length === 0) throw new Error(`holder ${j} has no officer to encrypt its share to`);
    const value = scalarBytes(evaluate(g, coefficients, j));
    for (const officer of list) {
      const eph = testInputs?.ephemerals ? decodeScalar(testInputs.ephemerals[e], 'ephemeral') : undefined;
      shares.push(await encryptShare(params, dealerIndex, j, value, officer, eph));
      e++;
    }
  }
  return { commitment, shares };
}

/** Checks a commitment's shape and its Schnorr proof (a rogue key fails here). */
export async function verifyCommitment(params, commitment) {
  params = checkParameters(params);
  checkIndex(params, commitment.dealerIndex);
  if (commitment.coefficients.length !== params.threshold) throw new Error(`holder ${commitment.dealerIndex} published ${commitment.coefficients.length} commitments, expected t = ${params.threshold}`);
  const g = groupOf(params.suite);
  const points = commitment.coefficients.map((c, i) => decodePointIn(g, c, `commitment C_${commitment.dealerIndex},${i}`));
  const bad = () => new Error(`holder ${commitment.dealerIndex}'s proof of knowledge of its constant term does not verify`);
  let c, s;
  try { c = decodeScalarIn(g, commitment.proof.challenge, 'c', true); s = decodeScalarIn(g, commitment.proof.response, 's', true); } catch { throw bad(); }
  const a = mulUnsafeIn(g, g.G, s).add(mulUnsafeIn(g, points[0], g.mod(g.N - c)));
  if (a.is0() || (await schnorrChallenge(params, commitment.dealerIndex, encodePoint(points[0]), encodePoint(a))) !== c) throw bad();
  return points;
}

/** True when s_ij G equals sum_k C_ik j^k, in the group of the suite (P-256 when none is given). */
export function shareMatches(commitment, recipient, value, suite = undefined) {
  const g = groupOf(suite);
  let s;
  try { s = decodeScalarIn(g, value, 'share', true); } catch { return false; }
  const points = commitment.coefficients.map(c => decodePointIn(g, c, 'commitment'));
  return mulUnsafeIn(g, g.G, s).equals(commitmentAt(points, recipient));
}

/** SHA-256 over the whole commitment bound to the ceremony: what an acknowledgement names. */
export async function commitmentHash(params, commitment) {
  params = checkParameters(params);
  return sha256(concat(label('trading/ceremony/v1/commitment'), lengthPrefixed(params.suite), lengthPrefixed(params.ceremonyId),
    u16(params.holders), u16(params.threshold), u16(commitment.dealerIndex), ...commitment.coefficients.map(fromHex),
    fromHex(commitment.proof.challenge), fromHex(commitment.proof.response)));
}

function ackChallenge(params, dealer, recipient, hash, officerPoint, a) {
  return challenge('trading/ceremony/v1/ack', lengthPrefixed(params.suite), lengthPrefixed(params.ceremonyId), u16(params.holders), u16(params.threshold),
    u16(dealer), u16(recipient), hash, G_BYTES, officerPoint, a);
}

/** An acknowledgement signed with the officer's transport key (Schnorr), naming the commitment it checked. */
export async function acknowledge(params, commitment, recipientIndex, officerKey, testNonce) {
  params = checkParameters(params);
  checkIndex(params, recipientIndex);
  const hash = await commitmentHash(params, commitment);
  const k = testNonce ?? randomScalar();
  const c = await ackChallenge(params, commitment.dealerIndex, recipientIndex, hash, officerKey.point, encodePoint(G.multiply(k)));
  const s = mod(k + c * officerKey.scalar);
  return {
    ceremonyId: params.ceremonyId, dealerIndex: commitment.dealerIndex, recipientIndex, commitmentHash: toHex(hash), officerPoint: toHex(officerKey.point),
    signature: { challenge: toHex(scalarBytes(c)), response: toHex(scalarBytes(s)) },
  };
}

function complaintChallenge(params, dealer, recipient, officer, e, k, a, b) {
  return challenge('trading/ceremony/v1/complaint', lengthPrefixed(params.suite), lengthPrefixed(params.ceremonyId), u16(dealer), u16(recipient), G_BYTES, officer, e, k, a, b);
}

/**
 * A complaint's evidence: the ECDH point K = x E of the one share in question, with a Chaum-Pedersen proof that the
 * officer's published key made it, so anyone can decrypt that share and compare it with the commitments.
 */
export async function complain(params, share, officerKey, testNonce) {
  params = checkParameters(params);
  const e = decodePoint(share.ephemeralPoint, 'share transport ephemeral point');
  const kPoint = e.multiply(officerKey.scalar);
  const nonce = testNonce ?? randomScalar();
  const kBytes = encodePoint(kPoint);
  const c = await complaintChallenge(params, share.dealerIndex, share.recipientIndex, officerKey.point, fromHex(share.ephemeralPoint), kBytes,
    encodePoint(G.multiply(nonce)), encodePoint(e.multiply(nonce)));
  const s = mod(nonce + c * officerKey.scalar);
  return {
    ceremonyId: params.ceremonyId, dealerIndex: share.dealerIndex, recipientIndex: share.recipientIndex, officerPoint: toHex(officerKey.point),
    ephemeralPoint: share.ephemeralPoint, sharedPoint: toHex(kBytes), proof: { challenge: toHex(scalarBytes(c)), response: toHex(scalarBytes(s)) },
  };
}

/**
 * Checks one dealing relayed to this officer: the commitment's proof, then the share encrypted to this officer.
 * Returns { acknowledgement } when the share matches, else { complaint } carrying its evidence. Never returns the share.
 */
export async function checkDealing(params, dealing, officerKey, recipientIndex, testNonce) {
  params = checkParameters(params);
  await verifyCommitment(params, dealing.commitment);
  const mine = dealing.shares.find(s => s.share.recipientIndex === recipientIndex && s.officerPoint === toHex(officerKey.point));
  if (!mine) throw new Error(`holder ${dealing.commitment.dealerIndex}'s dealing has no share for this officer`);
  const value = await decryptShare(params, mine.share, officerKey);
  if (value && shareMatches(dealing.commitment, recipientIndex, value, params.suite))
    return { acknowledgement: await acknowledge(params, dealing.commitment, recipientIndex, officerKey, testNonce) };
  return { complaint: await complain(params, mine.share, officerKey, testNonce) };
}

// ---------------------------------------------------------------- joint key and the holder's secret

/** key id = H("trading/joint-key/v1" 0x00 || suite id (u16) || Y), H the suite's hash. */
async function keyId(g, y) { return g.hash(concat(label('trading/joint-key/v1'), u16(g.suiteId), y)); }

/** Y = sum C_i0 and Y_j = sum_i sum_k C_ik j^k from the public commitments: anyone can recompute the joint key. */
export async function computeJointKey(params, commitments) {
  params = checkParameters(params);
  if (commitments.length !== params.holders) throw new Error(`${commitments.length} commitments, expected n = ${params.holders}`);
  const sorted = [...commitments].sort((a, b) => a.dealerIndex - b.dealerIndex);
  const decoded = [];
  for (const c of sorted) decoded.push(await verifyCommitment(params, c));
  if (new Set(sorted.map(c => c.dealerIndex)).size !== sorted.length) throw new Error('holder index appears more than once');
  const g = groupOf(params.suite);
  const y = decoded.reduce((acc, c) => acc.add(c[0]), g.Point.ZERO);
  if (y.is0()) throw new Error('joint key is the point at infinity');
  const verificationKeys = [];
  for (let j = 1; j <= params.holders; j++) verificationKeys.push(toHex(encodePoint(decoded.reduce((acc, c) => acc.add(commitmentAt(c, j)), g.Point.ZERO))));
  const yBytes = encodePoint(y);
  return {
    suite: params.suite, ceremonyId: params.ceremonyId, holders: params.holders, threshold: params.threshold,
    publicKey: toHex(yBytes), verificationKeys, keyId: toHex(await keyId(g, yBytes)),
  };
}

/**
 * The holder's secret x_j from the dealings relayed to this officer: decrypts each share, checks it against its
 * commitment, sums them and checks x_j G = Y_j of the published joint key. Keep the result only while acting.
 */
export async function holderSecret(params, jointKey, dealings, officerKey, recipientIndex) {
  params = checkParameters(params);
  if (dealings.length !== params.holders) throw new Error(`${dealings.length} dealings, expected n = ${params.holders}`);
  const g = groupOf(params.suite);
  let x = 0n;
  for (const d of dealings) {
    const mine = d.shares.find(s => s.share.recipientIndex === recipientIndex && s.officerPoint === toHex(officerKey.point));
    const value = mine && await decryptShare(params, mine.share, officerKey);
    if (!value || !shareMatches(d.commitment, recipientIndex, value, params.suite)) throw new Error(`the share dealt by holder ${d.commitment.dealerIndex} to holder ${recipientIndex} does not match the dealer's commitments`);
    x = g.mod(x + toScalar(value));
  }
  if (x === 0n || !g.G.multiply(x).equals(decodePointIn(g, jointKey.verificationKeys[recipientIndex - 1], 'Y_j')))
    throw new Error(`holder ${recipientIndex}'s secret does not belong to this joint key (another ceremony?)`);
  return { holderIndex: recipientIndex, scalar: x };
}

/**
 * An officer added later gets the holder's shares re-encrypted to its transport key by an existing officer, here:
 * each relayed share for this holder is decrypted with the existing officer's key and encrypted to the new point.
 */
export async function reencryptForOfficer(params, dealings, officerKey, recipientIndex, newOfficerPoint) {
  params = checkParameters(params);
  const out = [];
  for (const d of dealings) {
    const mine = d.shares.find(s => s.share.recipientIndex === recipientIndex && s.officerPoint === toHex(officerKey.point));
    const value = mine && await decryptShare(params, mine.share, officerKey);
    if (!value || !shareMatches(d.commitment, recipientIndex, value, params.suite)) throw new Error(`the share dealt by holder ${d.commitment.dealerIndex} does not check out; it is not passed on`);
    out.push(await encryptShare(params, d.commitment.dealerIndex, recipientIndex, value, newOfficerPoint));
  }
  return out;
}

// ---------------------------------------------------------------- health check and opening (C# ThresholdOpening)

/** The health-check challenge point for a context in the suite's group (try-and-increment: nobody knows its discrete log). */
export async function canaryPoint(context, suite = undefined) {
  const g = groupOf(suite);
  for (let counter = 0; ; counter++) {
    const x = await g.hash(concat(label('trading/health/v1/canary'), lengthPrefixed(context), u32(counter)));
    if (toScalar(x) >= g.P) continue;
    try { return encodePoint(g.Point.fromBytes(concat(new Uint8Array([2]), x))); } catch { /* not an abscissa: next counter */ }
  }
}

/**
 * Before any partial: every point asked for must be the R of a frozen bid (threshold ECIES must never decrypt a
 * chosen point), and the frozen list given must be the one read from the public log.
 */
export function checkInFrozenList(frozenRs, requested) {
  const frozen = new Set(frozenRs.map(r => (r instanceof Uint8Array ? toHex(r) : r.toLowerCase())));
  for (const r of requested) {
    const hex = r instanceof Uint8Array ? toHex(r) : r.toLowerCase();
    if (!frozen.has(hex)) {
      const e = new Error(`point ${hex.slice(0, 20)}… is not in the tender's frozen bid list: a holder decrypts only frozen bids`);
      e.code = 'NotInFrozenList';
      throw e;
    }
  }
}

function dleqChallenge(g, jointKey, index, yi, r, d, a, b) {
  return challengeIn(g, 'trading/opening/v1/dleq', lengthPrefixed(jointKey.suite), fromHex(jointKey.keyId), u16(index), g.G_BYTES, yi, r, d, a, b);
}

/** D_i = x_i R with a Chaum-Pedersen proof that log_G Y_i = log_R D_i (C# PartialDecryption JSON). */
export async function partialDecrypt(secret, jointKey, r, testNonce) {
  const g = groupOf(jointKey.suite);
  const rBytes = bytesOf(r);
  const rPoint = decodePointIn(g, rBytes, 'ephemeral point R');
  const yi = fromHex(jointKey.verificationKeys[secret.holderIndex - 1]);
  const d = encodePoint(rPoint.multiply(secret.scalar));
  const k = testNonce ?? randomScalarIn(g);
  const c = await dleqChallenge(g, jointKey, secret.holderIndex, yi, rBytes, d, encodePoint(g.G.multiply(k)), encodePoint(rPoint.multiply(k)));
  const s = g.mod(k + c * secret.scalar);
  return { holderIndex: secret.holderIndex, r: toHex(rBytes), d: toHex(d), proof: { challenge: toHex(scalarBytes(c)), response: toHex(scalarBytes(s)) } };
}

/** Partials for every requested R, refused as a whole unless each R is in the frozen list. */
export async function partialDecryptFrozen(secret, jointKey, frozenRs, requested) {
  checkInFrozenList(frozenRs, requested);
  const out = [];
  for (const r of requested) out.push(await partialDecrypt(secret, jointKey, r));
  return out;
}

/** The health check: a partial over today's canary (proves the share works; decrypts no bid). */
export async function healthCheck(secret, jointKey, context) {
  return partialDecrypt(secret, jointKey, await canaryPoint(context, jointKey.suite));
}
