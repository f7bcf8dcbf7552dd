// Seals the bid in the browser (WebCrypto, via the same envelope code the C# library is tested against) and
// uploads only the envelope, in chunks, resuming from the server's count after a dropped connection.
import { sealEnvelope, signManifest, fromHex } from '/lib/envelope.mjs';
import { zipSync, strToU8 } from '/lib/fflate.mjs';

const form = document.getElementById('bid-form');
const CHUNK = 1 << 20;

function show(id, text) { const el = document.getElementById(id); el.textContent = text; el.hidden = !text; }
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

async function finish(uploadId, signed) {
  const bid = await call(`${form.dataset.base}?handler=Complete&upload=${uploadId}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signedManifest: signed }) });
  progress(1);
  show('status', form.dataset.msgDone);
  show('receipt', `${form.dataset.msgDone} SHA-256 ${bid.envelopeSha256} · #${bid.logIndex}`);
  const link = document.createElement('a');
  link.href = `/Log/Receipt/${bid.logIndex}`;
  link.textContent = ` ${form.dataset.msgReceipt}`;
  document.getElementById('receipt').append(link);
  setTimeout(() => location.reload(), 4000);
}

// An envelope sealed offline with `trading seal`: uploaded as it is, with its signed manifest.
document.getElementById('upload-envelope')?.addEventListener('click', async () => {
  show('error', ''); show('receipt', '');
  const envelopeFile = form.querySelector('#envelope-file').files[0];
  const manifestFile = form.querySelector('#manifest-file').files[0];
  if (!envelopeFile || !manifestFile) { show('error', form.dataset.msgRequired); return; }
  try {
    const signed = JSON.parse(await manifestFile.text());
    const uploadId = await upload(new Uint8Array(await envelopeFile.arrayBuffer()), form.querySelector('#lot').value);
    await finish(uploadId, signed);
  } catch (e) {
    show('error', e.message);
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
    const { envelope, manifest } = await sealEnvelope({ jointPublicKey: fromHex(form.dataset.jointKey), tender: form.dataset.tender, lot, bidder: form.dataset.bidder, plaintext: zip });
    const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const signed = await signManifest(manifest, keyPair);
    const uploadId = await upload(envelope, lotSelect.value);
    await finish(uploadId, signed);
  } catch (e) {
    show('error', e.message);
  } finally {
    button.disabled = false;
  }
});
