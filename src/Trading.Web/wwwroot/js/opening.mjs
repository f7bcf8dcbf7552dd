// The live opening hall. The hub only says that something changed; the page then re-reads itself (the server renders
// what this reader may see) and announces the change for screen readers. A holder's officer gives partials here:
// the passphrase unseals the officer's transport key in this browser and is never sent; the page rebuilds the
// holder's secret from the relayed dealings, checks every point it is asked to decrypt against the frozen bid list
// of the public log (and that list against a checkpoint), and posts only the partials with their proofs.
import { unsealTransportKey, holderSecret, partialDecryptFrozen, toHex } from '/lib/holder.mjs';

const hall = document.getElementById('hall');
const tender = hall.dataset.tender;
const SECTIONS = ['presence', 'frozen', 'holders', 'give', 'resume', 'record', 'mine', 'objections'];

function announce(text) {
  const el = document.getElementById('announce');
  el.textContent = '';
  // A fresh text node each time, so the same words twice are read twice.
  setTimeout(() => { el.textContent = text; }, 50);
}

// Re-reads the page and swaps the sections that changed; the one holding the focus (a form being filled) is kept.
async function refresh() {
  const res = await fetch(location.pathname, { credentials: 'same-origin' });
  if (!res.ok) return;
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  for (const id of SECTIONS) {
    const fresh = doc.getElementById(id);
    const current = document.getElementById(id);
    if (current && current.contains(document.activeElement) && document.activeElement !== document.body) continue;
    if (fresh && current) current.replaceWith(fresh);
    else if (fresh && !current) {
      const index = SECTIONS.indexOf(id);
      const after = SECTIONS.slice(0, index).reverse().map(s => document.getElementById(s)).find(Boolean);
      if (after) after.after(fresh); else hall.append(fresh);
    } else if (!fresh && current) current.remove();
  }
  wireGive();
}

function message(change) {
  const d = hall.dataset;
  switch (change.kind) {
    case 'presence': return d.msgPresence;
    case 'partials': return d.msgPartials.replace('{0}', change.holder);
    case 'row': return d.msgRow.replace('{0}', change.position);
    case 'opened': return d.msgOpened;
    case 'interrupted': return d.msgInterrupted;
    case 'confirmed': return d.msgConfirmed;
    case 'objection': return d.msgObjection;
    default: return '';
  }
}

// ---------------------------------------------------------------- countdown to the opening time

const deadline = Date.parse(hall.dataset.deadline);
function tick() {
  const el = document.getElementById('countdown');
  if (!el) return;
  const left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
  if (left === 0) { el.textContent = hall.dataset.msgStarted; return; }
  const days = Math.floor(left / 86400);
  const hms = [Math.floor(left / 3600) % 24, Math.floor(left / 60) % 60, left % 60].map(n => String(n).padStart(2, '0')).join(':');
  el.textContent = days > 0 ? `${hall.dataset.msgDays.replace('{0}', days)} ${hms}` : hms;
}
tick();
setInterval(tick, 1000);

// ---------------------------------------------------------------- the hub

const connection = new signalR.HubConnectionBuilder().withUrl(hall.dataset.hub).withAutomaticReconnect().build();
connection.on('changed', async change => {
  await refresh().catch(() => {});
  const text = message(change);
  if (text) announce(text);
});
async function join() {
  await connection.invoke('Join', tender);
  document.getElementById('connection').textContent = hall.dataset.msgOnline;
  hall.dataset.live = 'true';
}
connection.onreconnecting(() => { document.getElementById('connection').textContent = hall.dataset.msgOffline; hall.dataset.live = 'false'; });
// Whatever happened while offline is read again, not replayed.
connection.onreconnected(async () => { await join(); await refresh().catch(() => {}); });
connection.start().then(join).catch(() => { document.getElementById('connection').textContent = hall.dataset.msgOffline; });

// ---------------------------------------------------------------- giving this holder's partials

const b64 = s => Uint8Array.from(atob(s), ch => ch.charCodeAt(0));
async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)); }
const concat = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; };
const eq = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

// RFC 9162 section 2.1.3.2: the root from a leaf hash and its inclusion path.
async function rootFromInclusion(index, size, leaf, path) {
  let fn = index, sn = size - 1, r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if ((fn & 1) === 1 || fn === sn) {
      r = await sha256(concat(new Uint8Array([1]), p, r));
      if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
    } else {
      r = await sha256(concat(new Uint8Array([1]), r, p));
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 ? r : null;
}

async function getJson(url) {
  const res = await fetch(url, { credentials: 'same-origin' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { const e = new Error(body.title || res.statusText); e.refusal = true; throw e; }
  return body;
}

function localError(message) { const e = new Error(message); e.local = message; return e; }

/**
 * The frozen list as the public log holds it: the bids.frozen entry of this tender, its leaf hash recomputed here,
 * and its inclusion in a checkpoint (the supervision office's cosigned one when it covers the entry).
 */
async function frozenFromLog(index, form) {
  const page = await getJson(`/api/log/entries?start=${index}&count=1`);
  const raw = page.entries[0]?.entry;
  if (!raw) throw localError(form.dataset.msgLog);
  const entry = JSON.parse(raw);
  if (entry.type !== 'bids.frozen' || entry.tender !== tender) throw localError(form.dataset.msgLog);
  const leaf = await sha256(concat(new Uint8Array([0]), new TextEncoder().encode(raw)));
  let checkpoint = await fetch('/api/log/checkpoint/cosigned', { credentials: 'same-origin' }).then(r => (r.ok ? r.json() : null)).catch(() => null);
  if (!checkpoint || checkpoint.size <= index) checkpoint = await getJson('/api/log/checkpoint');
  const proof = await getJson(`/api/log/proof/inclusion?index=${index}&size=${checkpoint.size}`);
  const root = await rootFromInclusion(index, checkpoint.size, leaf, proof.hashes.map(b64));
  if (!root || toHex(root) !== checkpoint.root.toLowerCase()) throw localError(form.dataset.msgLog);
  return { bids: entry.data.bids, root: checkpoint.root, size: checkpoint.size };
}

async function give(form) {
  const input = document.getElementById('opening-passphrase');
  const status = document.getElementById('give-status');
  const error = document.getElementById('give-error');
  error.hidden = true;
  const passphrase = input.value;
  if (!passphrase) { error.textContent = form.dataset.msgRequired; error.hidden = false; error.focus(); return; }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  status.textContent = form.dataset.msgWorking;
  try {
    const base = form.dataset.base;
    const [material, batch] = await Promise.all([getJson(`${base}?handler=Material`), getJson(`${base}?handler=Batch`)]);
    if (batch.frozenLogIndex == null) throw localError(form.dataset.msgLog);
    const frozen = await frozenFromLog(batch.frozenLogIndex, form);
    const frozenRs = frozen.bids.map(b => b.r.toLowerCase());
    const requested = batch.bids.map(b => b.r.toLowerCase());
    // The server's batch must be the log's list, bid for bid: no point added, none dropped.
    if (requested.length !== frozenRs.length || batch.bids.some(b => !frozen.bids.some(f => f.r.toLowerCase() === b.r.toLowerCase() && f.envelopeSha256 === b.envelopeSha256)))
      throw localError(form.dataset.msgFrozen);
    if (batch.key.keyId !== material.jointKey.keyId) throw localError(form.dataset.msgLog);
    status.textContent = form.dataset.msgChecked.replace('{0}', frozenRs.length).replace('{1}', frozen.size);
    let officerKey;
    try {
      officerKey = await unsealTransportKey(material.officer.sealed, material.officer.point, passphrase);
    } catch (e) {
      throw localError(e.code === 'WrongPassphrase' ? form.dataset.msgWrong : form.dataset.msgFailed);
    }
    input.value = '';
    const secret = await holderSecret(material.params, material.jointKey, material.dealings, officerKey, material.holderIndex);
    let partials;
    try {
      partials = await partialDecryptFrozen(secret, material.jointKey, frozenRs, requested);
    } catch (e) {
      throw localError(e.code === 'NotInFrozenList' ? form.dataset.msgFrozen : form.dataset.msgFailed);
    }
    const token = form.querySelector('input[name="__RequestVerificationToken"]').value;
    const res = await fetch(`${base}?handler=Give`, {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': token }, body: JSON.stringify(partials),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) { const e = new Error(body.title || form.dataset.msgFailed); e.refusal = true; throw e; }
    status.textContent = form.dataset.msgDone;
    announce(form.dataset.msgDone);
    await refresh().catch(() => {});
  } catch (e) {
    status.textContent = '';
    error.textContent = e.refusal ? e.message : (e.local || form.dataset.msgFailed);
    error.hidden = false;
    error.focus();
  } finally {
    button.disabled = false;
  }
}

function wireGive() {
  const form = document.getElementById('give-form');
  if (!form || form.dataset.wired) return;
  form.dataset.wired = 'true';
  form.addEventListener('submit', ev => { ev.preventDefault(); give(form); });
}
wireGive();
