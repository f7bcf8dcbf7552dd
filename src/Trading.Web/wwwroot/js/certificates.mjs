// The firm's certificate page: makes the signing key in this browser (SM2 at a suite 2 deployment), asks for its certificate with the account's
// two-factor code, and marks the certificates whose key this browser holds.
import { makeKey, makeSm2Key, certificateRequest, sm2CertificateRequest, heldKeys, forgetKey } from '/js/signing-keys.mjs';

const form = document.getElementById('certificate-request');

function show(id, text) { const el = document.getElementById(id); el.textContent = text; el.hidden = !text; }

async function markHeld() {
  const badges = [...document.querySelectorAll('[data-key-sha256]')];
  const held = await heldKeys(badges.map(b => b.dataset.keySha256)).catch(() => []);
  for (const b of badges) b.hidden = !held.includes(b.dataset.keySha256);
}

for (const button of document.querySelectorAll('[data-renew]')) {
  button.addEventListener('click', () => {
    document.getElementById('renews').value = button.dataset.renew;
    show('request-status', form.dataset.msgRenewing);
    document.getElementById('code').focus();
  });
}

form?.addEventListener('submit', async ev => {
  ev.preventDefault();
  show('request-error', '');
  const code = document.getElementById('code').value.replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) { show('request-error', form.dataset.msgCode); document.getElementById('request-error').focus(); return; }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  // The key made for this request, forgotten again if the request is refused (a refused key would never be certified).
  let made = null;
  try {
    show('request-status', form.dataset.msgWorking);
    // The deployment's suite decides the key: SM2 (SM3withSM2 request) for suite 2, ECDSA P-256 otherwise.
    let requestPem;
    if (form.dataset.suite === 'SM2-HKDF-SM3-SM4GCM') {
      const { sm2Key, keySha256 } = await makeSm2Key();
      made = keySha256;
      requestPem = await sm2CertificateRequest(sm2Key, 'firm signing key');
    } else {
      const { keyPair, spki, keySha256 } = await makeKey();
      made = keySha256;
      requestPem = await certificateRequest(keyPair, spki, 'firm signing key');
    }
    const renews = document.getElementById('renews').value || null;
    const token = form.querySelector('input[name="__RequestVerificationToken"]').value;
    const res = await fetch('/Certificates?handler=Request', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': token },
      body: JSON.stringify({ requestPem, code, renews }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      await forgetKey(made).catch(() => {});
      show('request-status', ''); show('request-error', body.title || form.dataset.msgFailed); document.getElementById('request-error').focus(); return;
    }
    show('request-status', form.dataset.msgDone);
    location.reload();
  } catch (e) {
    // The person reads the page's words; the console keeps the browser's own error for whoever diagnoses it.
    console.error('certificate request failed', e);
    if (made) await forgetKey(made).catch(() => {});
    show('request-status', '');
    show('request-error', form.dataset.msgFailed);
    document.getElementById('request-error').focus();
  } finally {
    button.disabled = false;
  }
});

markHeld();
