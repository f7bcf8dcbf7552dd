// The ceremony room (Submission/Ceremony): every act on key material runs here, in the officer's browser, with the
// holder module (/lib/holder.mjs, the same code the tests check against the C# library). The passphrase is typed here
// and used here: it is in no form that posts, and only public values, ciphertexts and proofs go to the relay API.
import * as holder from '/lib/holder.mjs';
import { strength } from '/lib/zxcvbn.mjs';

const panel = document.getElementById('officer');
const tender = panel ? panel.dataset.tender : location.pathname.split('/').pop();
const base = `/api/tenders/${tender}/ceremony`;
const msg = panel ? panel.dataset : {};

function localError(message) { const e = new Error(message); e.local = message; return e; }

function status(text) {
  const el = document.getElementById('act-status');
  if (el) el.textContent = text;
}
function fail(e) {
  status('');
  const el = document.getElementById('act-error');
  if (!el) return;
  el.textContent = e && (e.refusal || e.local) ? e.message : msg.msgFailed;
  el.hidden = false;
  el.focus();
}

async function call(path, method = 'GET', body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-TOKEN'] = panel.querySelector('input[name="__RequestVerificationToken"]').value;
  }
  const res = await fetch(base + path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? (() => { try { return JSON.parse(text); } catch { return {}; } })() : {};
  if (!res.ok) {
    const e = new Error(json.title || msg.msgFailed);
    e.refusal = Boolean(json.title);
    throw e;
  }
  return json;
}

// The room re-reads its own page for the parts that change, so every word stays the server's localised text.
async function refresh() {
  const res = await fetch(location.href, { credentials: 'same-origin' });
  if (!res.ok) return;
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  for (const id of ['room-status', 'officer-actions']) {
    const fresh = doc.getElementById(id);
    const current = document.getElementById(id);
    if (!fresh || !current) continue;
    // A live update must never wipe what an officer is typing (a passphrase half-typed, or typed and about to be
    // used): the typed values and the focus move over to the fresh section.
    const typed = [...current.querySelectorAll('input[id]:not([type=hidden]), textarea[id]')].map(i => [i.id, i.value]);
    const focused = current.contains(document.activeElement) ? document.activeElement.id : null;
    current.replaceWith(fresh);
    for (const [inputId, value] of typed) {
      const twin = document.getElementById(inputId);
      if (twin && fresh.contains(twin) && value) twin.value = value;
    }
    if (focused) document.getElementById(focused)?.focus();
  }
}

async function unsealed() {
  const input = document.getElementById('pass');
  const passphrase = input ? input.value : '';
  if (!passphrase) throw localError(msg.msgNeedPass);
  const st = await call('/state');
  try {
    return { st, key: await holder.unsealTransportKey(st.me.sealed, st.me.point, passphrase) };
  } catch (e) {
    if (e && e.code === 'WrongPassphrase') throw localError(msg.msgWrong);
    throw e;
  }
}

const acts = {
  // A new transport key, sealed under the officer's passphrase (Argon2id at 64 MiB and 3 passes) before it leaves.
  async enrol() {
    const p1 = document.getElementById('new-pass').value;
    const p2 = document.getElementById('new-pass2').value;
    if ([...p1].length < 16) throw localError(msg.msgTooShort);
    if (p1 !== p2) throw localError(msg.msgMismatch);
    const est = await strength(p1, [msg.userName || '', msg.code || '', 'trading', 'ceremony']);
    if (est.score < 3) throw localError(msg.msgWeak);
    const st = await call('/state');
    const key = holder.createTransportKey();
    const sealed = await holder.sealTransportKey(key, st.holderIndex, st.userId, p1);
    await call('/transport-key', 'POST', { point: holder.toHex(key.point), sealed });
    document.getElementById('new-pass').value = '';
    document.getElementById('new-pass2').value = '';
  },
  // Dealing needs no key of the officer's own: a fresh polynomial, shares encrypted to every officer in the roster.
  async deal() {
    const st = await call('/state');
    await call('/dealing', 'POST', await holder.deal(st.params, st.holderIndex, st.roster));
  },
  async check() {
    const { st, key } = await unsealed();
    let complained = false;
    for (const d of st.me.dealings.filter(x => st.me.toCheck.includes(x.commitment.dealerIndex))) {
      const r = await holder.checkDealing(st.params, d, key, st.holderIndex);
      if (r.acknowledgement) await call('/acknowledgements', 'POST', r.acknowledgement);
      else { await call('/complaints', 'POST', r.complaint); complained = true; }
    }
    return complained ? msg.msgComplained : undefined;
  },
  async health() {
    const { st, key } = await unsealed();
    const secret = await holder.holderSecret(st.params, st.jointKey, st.me.dealings, key, st.holderIndex);
    await call('/health-check', 'POST', await holder.healthCheck(secret, st.jointKey, st.me.canaryContext));
  },
  // An existing officer passes this holder's shares on to a new officer, re-encrypted here to the new officer's key.
  async add(button) {
    const { st, key } = await unsealed();
    const dealt = st.me.dealings.filter(d => d.shares.length > 0);
    const shares = await holder.reencryptForOfficer(st.params, dealt, key, st.holderIndex, button.dataset.point);
    await call(`/officers/${button.dataset.officer}/add`, 'POST', shares);
  },
};

if (panel) {
  panel.addEventListener('click', async ev => {
    const button = ev.target.closest('button[data-act]');
    if (!button) return;
    document.getElementById('act-error').hidden = true;
    status(msg.msgWorking);
    button.disabled = true;
    try {
      const note = await acts[button.dataset.act](button);
      // The act is done once the relay accepted it; a failed re-read only leaves the room as it was until the next change.
      await refresh().catch(() => {});
      status(note || msg.msgDone);
    } catch (e) {
      button.disabled = false;
      fail(e);
    }
  });
  const input = document.getElementById('new-pass');
  if (input) {
    input.addEventListener('input', async () => {
      const value = input.value;
      const out = document.getElementById('strength');
      if (!value) { out.textContent = ''; return; }
      const est = await strength(value, [msg.userName || '', msg.code || '']);
      if (input.value === value) out.textContent = `${msg.msgStrength} ${est.score}/4`;
    });
  }
}

// Live: the relay says "something changed" for this tender; the room re-reads itself.
if (globalThis.signalR) {
  const connection = new signalR.HubConnectionBuilder().withUrl('/hubs/ceremony').withAutomaticReconnect().build();
  connection.on('changed', () => { refresh().catch(() => {}); });
  connection.onreconnected(() => connection.invoke('Watch', tender).then(refresh).catch(() => {}));
  connection.start().then(() => connection.invoke('Watch', tender)).catch(() => {});
}
