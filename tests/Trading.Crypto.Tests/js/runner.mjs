// Test runner: drives src/Trading.Crypto/js/envelope.mjs and holder.mjs under Node's WebCrypto for the .NET tests.
// Usage: node runner.mjs <vectors|seal|holder-vectors|holder-ceremony> <input.json> <path to envelope.mjs>
// Only this runner touches Node APIs (files); the module itself stays browser-only.
import { readFile, writeFile, open } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const [, , command, inputPath, modulePath] = process.argv;
const m = await import(pathToFileURL(modulePath).href);
// holder.mjs sits beside envelope.mjs and imports its npm dependencies from the repository's node_modules.
const h = await import(pathToFileURL(modulePath.replace(/envelope\.mjs$/, 'holder.mjs')).href);
const input = JSON.parse(await readFile(inputPath, 'utf8'));

function check(mismatches, name, expected, actual) {
  const a = actual instanceof Uint8Array ? m.toHex(actual) : actual;
  if (a !== expected) mismatches.push({ name, expected, actual: a });
}

async function vectors() {
  const results = [];
  for (const v of input.vectors) {
    const e = v.envelope;
    const mismatches = [];
    const y = m.fromHex(v.ceremony.jointPublicKey);
    check(mismatches, 'keyId', v.ceremony.keyId, await m.computeKeyId(y));
    check(mismatches, 'kekInfo', e.kekInfo, m.kekInfo(e.tender, e.lot, e.bidder));
    let seen = null;
    const sealed = await m.sealEnvelope({
      jointPublicKey: y, tender: e.tender, lot: e.lot, bidder: e.bidder, chunkSize: e.chunkSize,
      plaintext: m.fromHex(e.plaintext),
      testInputs: { ephemeralJwk: e.ephemeralJwk, fileKey: m.fromHex(e.fileKey), salt: m.fromHex(e.salt) },
      onHeader: h => { seen = h; },
    });
    check(mismatches, 'R', e.R, seen.r);
    check(mismatches, 'z', e.z, seen.z);
    check(mismatches, 'kek', e.kek, seen.kek);
    check(mismatches, 'header', e.header, seen.header);
    check(mismatches, 'headerHash', e.headerHash, seen.headerHash);
    check(mismatches, 'wrappedKey', e.wrappedKey, seen.wrapped);
    check(mismatches, 'payloadKey', e.payloadKey, seen.payloadKey);
    check(mismatches, 'noncePrefix', e.noncePrefix, seen.noncePrefix);
    e.chunks.forEach((c, i) => check(mismatches, `chunk ${i} nonce`, c.nonce, m.chunkNonce(seen.noncePrefix, i, i === e.chunks.length - 1)));
    let offset = m.fromHex(e.header).length + 48;
    e.chunks.forEach((c, i) => {
      const len = c.ciphertextAndTag.length / 2;
      check(mismatches, `chunk ${i} ciphertext`, c.ciphertextAndTag, sealed.envelope.subarray(offset, offset + len));
      offset += len;
    });
    check(mismatches, 'envelope', e.envelope, sealed.envelope);
    check(mismatches, 'envelopeSha256', e.envelopeSha256, sealed.manifest.envelopeSha256);
    check(mismatches, 'manifestSigningBytes', v.manifestSigningBytes, m.manifestSigningBytes(sealed.manifest));
    results.push({ name: v.name, mismatches });
  }
  return { results };
}

// Feeds the file in uneven pieces so the module's re-chunking is exercised, and streams the envelope to disk.
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

async function seal() {
  const y = m.fromHex(input.jointPublicKey);
  const out = await open(input.outPath, 'w');
  let total = 0;
  try {
    for await (const part of m.sealEnvelopeParts({
      jointPublicKey: y, tender: input.tender, lot: input.lot, bidder: input.bidder, chunkSize: input.chunkSize,
      plaintext: filePieces(input.plaintextPath, input.pieceSize),
    })) { await out.write(part); total += part.length; }
  } finally { await out.close(); }
  // The in-memory form also signs the manifest with a fresh WebCrypto ECDSA key.
  const plaintext = new Uint8Array(await readFile(input.plaintextPath));
  const keyPair = await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const sealed = await m.sealEnvelope({ jointPublicKey: y, tender: input.tender, lot: input.lot, bidder: input.bidder, chunkSize: input.chunkSize, plaintext });
  await writeFile(input.outPath + '.inmemory', sealed.envelope);
  await writeFile(input.outPath + '.manifest.json', JSON.stringify(await m.signManifest(sealed.manifest, keyPair)));
  return { streamedBytes: total };
}

// Reproduces every value of docs/test-vectors/holder-v1.json from its fixed inputs.
async function holderVectors() {
  const mismatches = [];
  const json = x => JSON.stringify(x);
  const p = input.parameters;
  const officers = {}, keys = {};
  for (const o of input.officers) {
    keys[o.officer] = h.createTransportKey(BigInt('0x' + o.scalar));
    check(mismatches, `officer ${o.officer} point`, o.point, keys[o.officer].point);
    (officers[o.holder] ??= []).push(o.point);
  }
  const s = input.sealing;
  const sealed = await h.sealTransportKey(keys[s.officer], 1, s.officerId, s.passphrase, h.MIN_ARGON2, { salt: m.fromHex(s.salt), nonce: m.fromHex(s.nonce) });
  check(mismatches, 'sealed transport key', json(s.sealed), json(sealed));
  const unsealed = await h.unsealTransportKey(s.sealed, keys[s.officer].point, s.passphrase);
  check(mismatches, 'unsealed scalar', input.officers.find(o => o.officer === s.officer).scalar, h.scalarBytes(unsealed.scalar));
  let wrong = null;
  try { await h.unsealTransportKey(s.sealed, keys[s.officer].point, s.passphrase + 'x'); } catch (e) { wrong = e.code; }
  check(mismatches, 'wrong passphrase refused', 'WrongPassphrase', wrong);

  for (const d of input.dealings) {
    const dealing = await h.deal(p, d.dealer, officers, { coefficients: d.coefficients, proofNonce: d.proofNonce, ephemerals: d.ephemerals });
    check(mismatches, `dealing ${d.dealer}`, json(d.dealing), json(dealing));
    check(mismatches, `commitment hash ${d.dealer}`, d.commitmentHash, await h.commitmentHash(p, d.dealing.commitment));
    for (const o of input.officers) {
      const mine = d.dealing.shares.find(x => x.officerPoint === o.point);
      check(mismatches, `share ${d.dealer}->${o.officer}`, d.shares[o.holder - 1], await h.decryptShare(p, mine.share, keys[o.officer]));
    }
  }
  const a = input.acknowledgement;
  const dealing1 = input.dealings.find(d => d.dealer === a.dealer).dealing;
  const checked = await h.checkDealing(p, dealing1, keys[a.officer], 2, BigInt('0x' + a.nonce));
  check(mismatches, 'acknowledgement', json(a.ack), json(checked.acknowledgement ?? checked));

  const c = input.complaint;
  const dealing3 = structuredClone(input.dealings.find(d => d.dealer === c.dealer).dealing);
  dealing3.shares = dealing3.shares.map(x => (x.officerPoint === c.relayed.officerPoint ? c.relayed : x));
  const complained = await h.checkDealing(p, dealing3, keys[c.officer], 2, BigInt('0x' + c.nonce));
  check(mismatches, 'complaint', json(c.evidence), json(complained.complaint ?? complained));
  const reEncrypted = await h.encryptShare(p, c.dealer, 2, m.fromHex(c.wrongShare), c.relayed.officerPoint, BigInt('0x' + c.ephemeral));
  check(mismatches, 'bad share as relayed', json(c.relayed), json(reEncrypted));

  const key = await h.computeJointKey(p, input.dealings.map(d => d.dealing.commitment));
  check(mismatches, 'joint key', json(input.jointKey), json(key));
  for (const officer of ['1a', '1b']) {
    const secret = await h.holderSecret(p, key, input.dealings.map(d => d.dealing), keys[officer], 1);
    check(mismatches, `holder 1 secret via ${officer}`, input.holder1Secret, h.scalarBytes(secret.scalar));
  }
  check(mismatches, 'canary', input.canary.point, await h.canaryPoint(input.canary.context));
  const secret = { holderIndex: 1, scalar: BigInt('0x' + input.holder1Secret) };
  const partial = await h.partialDecrypt(secret, input.jointKey, input.canary.point, BigInt('0x' + input.partial.nonce));
  check(mismatches, 'partial', json(input.partial.partial), json(partial));
  return { mismatches };
}

// A whole ceremony on the holder side with fresh randomness, for the C# library to check: officer keys sealed under
// passphrases, three dealings, every officer's check (acknowledgements), the joint key, and partials over the given
// points after the frozen-list check (plus the refusal for a point outside it).
async function holderCeremony() {
  const p = input.parameters;
  const officers = {}, keys = {}, sealed = [];
  for (const o of input.officers) {
    keys[o.officer] = h.createTransportKey();
    (officers[o.holder] ??= []).push(m.toHex(keys[o.officer].point));
    sealed.push({ officer: o.officer, holder: o.holder, point: m.toHex(keys[o.officer].point),
      sealed: await h.sealTransportKey(keys[o.officer], o.holder, o.officer, o.passphrase) });
  }
  const dealings = [];
  for (let i = 1; i <= p.holders; i++) dealings.push(await h.deal(p, i, officers));
  const acknowledgements = [];
  for (const o of input.officers) {
    for (const d of dealings) {
      const r = await h.checkDealing(p, d, keys[o.officer], o.holder);
      if (!r.acknowledgement) throw new Error(`officer ${o.officer} complained about an honest dealing`);
      acknowledgements.push(r.acknowledgement);
    }
  }
  const jointKey = await h.computeJointKey(p, dealings.map(d => d.commitment));
  const partials = [];
  for (const holder of input.opening.holders) {
    const officer = input.officers.find(o => o.holder === holder && o.present !== false);
    const unsealed = await h.unsealTransportKey(sealed.find(s => s.officer === officer.officer).sealed, keys[officer.officer].point, officer.passphrase);
    const secret = await h.holderSecret(p, jointKey, dealings, unsealed, holder);
    partials.push(...await h.partialDecryptFrozen(secret, jointKey, input.opening.frozen, input.opening.frozen));
    try {
      await h.partialDecryptFrozen(secret, jointKey, input.opening.frozen, [input.opening.outside]);
      throw new Error('a point outside the frozen list was decrypted');
    } catch (e) { if (e.code !== 'NotInFrozenList') throw e; }
  }
  const secret2 = await h.holderSecret(p, jointKey, dealings, keys[input.officers.find(o => o.holder === 1).officer], 1);
  const health = await h.healthCheck(secret2, jointKey, input.canaryContext);
  // An officer added after the ceremony: holder 1's first officer re-encrypts the holder's shares to the new key.
  const added = h.createTransportKey();
  const first = input.officers.find(o => o.holder === 1).officer;
  const reencrypted = await h.reencryptForOfficer(p, dealings, keys[first], 1, added.point);
  const addedSealed = await h.sealTransportKey(added, 1, 'added', input.addedPassphrase);
  return { sealed, dealings, acknowledgements, jointKey, partials, health, added: { point: m.toHex(added.point), sealed: addedSealed, shares: reencrypted } };
}

try {
  const commands = { vectors, seal, 'holder-vectors': holderVectors, 'holder-ceremony': holderCeremony };
  const result = commands[command] ? await commands[command]() : (() => { throw new Error(`unknown command ${command}`); })();
  process.stdout.write(JSON.stringify(result));
} catch (err) {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
}
