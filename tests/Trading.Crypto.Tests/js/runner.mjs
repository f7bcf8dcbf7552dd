// Test runner: drives src/Trading.Crypto/js/envelope.mjs under Node's WebCrypto for the .NET tests.
// Usage: node runner.mjs <vectors|seal> <input.json> <path to envelope.mjs>
// Only this runner touches Node APIs (files); the module itself stays browser-only.
import { readFile, writeFile, open } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const [, , command, inputPath, modulePath] = process.argv;
const m = await import(pathToFileURL(modulePath).href);
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

try {
  const result = command === 'vectors' ? await vectors() : command === 'seal' ? await seal() : (() => { throw new Error(`unknown command ${command}`); })();
  process.stdout.write(JSON.stringify(result));
} catch (err) {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
}
