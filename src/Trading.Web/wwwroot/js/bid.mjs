// Seals the bid in the browser (WebCrypto, via the same envelope code the C# library is tested against) and
// uploads only the envelope, in chunks, resuming from the server's count after a dropped connection.
import { fromHex, toHex } from '/lib/envelope.mjs';
import { zipSync, strToU8 } from '/lib/fflate.mjs';
import { findKey } from '/js/signing-keys.mjs';

const form = document.getElementById('bid-form');
const CHUNK = 1 << 20;

function show(id, text) { const el = document.getElementById(id); el.textContent = text; el.hidden = !text; }

// Every failure is told in the page's language: a refusal carries its localised title from the server; anything else
// (a dropped connection, a browser error) gets the page's own message, never the browser's raw text.
function fail(e) {
  show('status', '');
  document.getElementById('progress').hidden = true;
  show('error', e && e.refusal ? e.message : (e && e.local) || form.dataset.msgFailed);
  document.getElementById('error').focus();
}

function localError(message) { const e = new Error(message); e.local = message; return e; }

// The offline envelope's manifest is checked here before a byte is uploaded: it must be the JSON that `trading seal`
// writes, describe this tender, lot and firm, and match the envelope file's length and SHA-256.
async function checkManifest(text, envelope, lotContext) {
  let signed;
  try { signed = JSON.parse(text); } catch { throw localError(form.dataset.msgManifestJson); }
  const m = signed && signed.manifest;
  const hex = v => typeof v === 'string' && /^[0-9a-f]+$/i.test(v);
  if (!m || !hex(signed.signature) || !hex(signed.signerPublicKey) || !hex(m.headerHash) || !hex(m.envelopeSha256) || typeof m.envelopeLength !== 'number'
      || typeof m.tender !== 'string' || typeof m.lot !== 'string' || typeof m.bidder !== 'string' || typeof m.suite !== 'string') {
    throw localError(form.dataset.msgManifestFields);
  }
  if (m.tender !== form.dataset.tender || m.lot !== lotContext || m.bidder !== form.dataset.bidder) throw localError(form.dataset.msgManifestOther);
  const digest = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', envelope)));
  if (m.envelopeLength !== envelope.length || m.envelopeSha256.toLowerCase() !== digest) throw localError(form.dataset.msgManifestEnvelope);
  return signed;
}

// The list of this firm's bids is re-read from the page after an upload, so it is current without a reload
// (and the focus stays where the bidder is: on the receipt).
async function refreshBids() {
  const res = await fetch(location.href, { credentials: 'same-origin' });
  if (!res.ok) return;
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const fresh = doc.getElementById('my-bids-section');
  const current = document.getElementById('my-bids-section');
  if (fresh && current) current.replaceWith(fresh);
}
function progress(fraction) {
  const bar = document.getElementById('progress');
  bar.hidden = false;
  const pct = Math.round(fraction * 100);
  bar.setAttribute('aria-valuenow', String(pct));
  bar.firstElementChild.style.width = pct + '%';
}

async function call(url, options) {
  const token = form.querySelector('input[name="__RequestVerificationToken"]').value;
  const res = await fetch(url, { ...options, headers: { ...(options.headers || {}), 'X-CSRF-TOKEN': token }, credentials: 'same-origin' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { const e = new Error(body.title || res.statusText); e.refusal = true; e.rule = body.rule; throw e; }
  return body;
}

async function upload(envelope, lotId) {
  const base = form.dataset.base;
  const start = await call(`${base}?handler=Start`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lotId, length: envelope.length }) });
  let offset = start.received;
  let failures = 0;
  while (offset < envelope.length) {
    try {
      const end = Math.min(offset + CHUNK, envelope.length);
      const r = await call(`${base}?handler=Chunk&upload=${start.uploadId}&offset=${offset}`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: envelope.subarray(offset, end) });
      offset = r.received;
      failures = 0;
      progress(offset / envelope.length);
      show('status', `${form.dataset.msgUploading} ${Math.round(100 * offset / envelope.length)}%`);
    } catch (e) {
      // A refusal by rule (deadline, size) is final; a network failure is retried from the server's count.
      if (e.refusal && e.rule !== 'Rule.Bid.UploadOffset') throw e;
      if (++failures > 8) throw e;
      show('status', form.dataset.msgRetry);
      await new Promise(r => setTimeout(r, 500 * failures));
      offset = (await call(`${base}?handler=Status&upload=${start.uploadId}`, { method: 'GET' })).received;
    }
  }
  return start.uploadId;
}

// A firm that signs with certificates signs with its certified key from this browser's storage (the page lists the
// firm's certified keys, valid ones first; the server decides whether the one used is valid now). A firm without any
// certificate signs with a key made for this bid alone.
// The list names each key's kind (p256 or sm2): a suite 2 tender is signed with an SM2 certified key, a suite 1 tender
// with a P-256 one. A firm certified only for the other kind signs with a key of this bid, and the server refuses it by
// rule (the firm signs with certificates) in the bidder's words.
async function signingKey(sm, suite) {
  const certified = (form.dataset.certKeys || '').split(' ').filter(Boolean).map(p => p.split(':')).filter(c => (c[2] === 'sm2') === sm);
  if (certified.length === 0) {
    return sm ? { sm2Key: suite.createSigningKey(), serial: null }
      : { keyPair: await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']), serial: null };
  }
  const found = await findKey(certified.map(c => c[0])).catch(() => null);
  if (!found) throw localError(form.dataset.msgNoKey);
  return { ...found, serial: certified.find(c => c[0] === found.keySha256)[1] };
}

async function finish(uploadId, signed, serial) {
  const bid = await call(`${form.dataset.base}?handler=Complete&upload=${uploadId}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signedManifest: signed }) });
  progress(1);
  // Said once, in the receipt box; the status line only ever carries progress.
  show('status', '');
  show('receipt', `${form.dataset.msgDone} SHA-256 ${bid.envelopeSha256} · #${bid.logIndex}` + (serial ? ` · ${form.dataset.msgCertificate} ${serial}` : ''));
  const link = document.createElement('a');
  link.href = `/Log/Receipt/${bid.logIndex}`;
  link.textContent = ` ${form.dataset.msgReceipt}`;
  const receipt = document.getElementById('receipt');
  receipt.append(link);
  receipt.focus();
  await refreshBids().catch(() => {});
}

// An envelope sealed offline with `trading seal`: uploaded as it is, with its signed manifest.
document.getElementById('upload-envelope')?.addEventListener('click', async () => {
  show('error', ''); show('receipt', '');
  const envelopeFile = form.querySelector('#envelope-file').files[0];
  const manifestFile = form.querySelector('#manifest-file').files[0];
  if (!envelopeFile || !manifestFile) { show('error', form.dataset.msgRequired); return; }
  try {
    const envelope = new Uint8Array(await envelopeFile.arrayBuffer());
    const lotSelect = form.querySelector('#lot');
    const signed = await checkManifest(await manifestFile.text(), envelope, lotSelect.selectedOptions[0].dataset.lot);
    const uploadId = await upload(envelope, lotSelect.value);
    await finish(uploadId, signed);
  } catch (e) {
    fail(e);
  }
});

form?.addEventListener('submit', async ev => {
  ev.preventDefault();
  show('error', ''); show('receipt', '');
  if (!form.checkValidity()) { form.reportValidity(); show('error', form.dataset.msgRequired); return; }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const v = id => form.querySelector('#' + id).value.trim();
    const openingForm = { priceYuan: Number(v('price')), durationDays: Number(v('duration')), projectManager: v('pm'), projectManagerId: v('pmid'), keyStaff: v('staff'), bondAccount: v('bond') };
    const entries = { 'bid-form.json': strToU8(JSON.stringify(openingForm)) };
    for (const f of form.querySelector('#files').files) entries['files/' + f.name] = new Uint8Array(await f.arrayBuffer());
    show('status', form.dataset.msgSealing);
    progress(0);
    const zip = zipSync(entries, { level: 0 });
    const lotSelect = form.querySelector('#lot');
    const lot = lotSelect.selectedOptions[0].dataset.lot;
    // The tender's joint key names the suite: suite 2 (SM2/SM3/SM4-GCM) seals with the bundled SM module and signs with
    // SM2 (WebCrypto has neither); suite 1 seals with WebCrypto and signs with ECDSA P-256. Either signs with the firm's
    // certified key of that kind when it has certificates, else with a key made for this bid.
    const sm = form.dataset.suite === 'SM2-HKDF-SM3-SM4GCM';
    const suite = sm ? await import('/lib/envelope-sm.mjs') : await import('/lib/envelope.mjs');
    const { envelope, manifest } = await suite.sealEnvelope({ jointPublicKey: fromHex(form.dataset.jointKey), tender: form.dataset.tender, lot, bidder: form.dataset.bidder, plaintext: zip });
    const key = await signingKey(sm, suite);
    const signed = sm ? suite.signManifest(manifest, key.sm2Key) : await suite.signManifest(manifest, key.keyPair);
    const uploadId = await upload(envelope, lotSelect.value);
    await finish(uploadId, signed, key.serial);
  } catch (e) {
    fail(e);
  } finally {
    button.disabled = false;
  }
});
