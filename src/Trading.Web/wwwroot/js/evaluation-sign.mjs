// The evaluation room's signing form: the member's own signature beside the re-authentication. On "sign" or "record
// dissent" this browser makes a key for this one signing (never stored, never sent), asks the centre's CA for its
// certificate with a PKCS#10 request, signs the statement (the report content's SHA-256, the session, the seat, the
// dissent or null) with it, and posts the request, the statement and the signature with the form (CSRF token and all).
// The server issues the certificate and checks the signature against it in the same act (docs/evaluation.md).
import { makeOneTimeKey } from '/js/signing-keys.mjs';

const form = document.getElementById('sign-form');

function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function show(text) {
  const el = document.getElementById('sign-error');
  el.textContent = text;
  el.hidden = !text;
  if (text) el.focus();
}

form?.addEventListener('submit', async ev => {
  ev.preventDefault();
  const submitter = ev.submitter;
  const buttons = [...form.querySelectorAll('button[type="submit"]')];
  buttons.forEach(b => { b.disabled = true; });
  show('');
  try {
    const dissent = submitter?.dataset.act === 'dissent'
      ? document.getElementById('dissent').value.replace(/\r\n/g, '\n').trim() : null;
    // The keys in canonical order (CanonicalJson: sorted, no whitespace): the server accepts exactly these bytes.
    const statement = new TextEncoder().encode(JSON.stringify({
      content: form.dataset.contentSha256, dissent, kind: 'evaluation.report.member-signature', seat: form.dataset.seatPseudonym, session: form.dataset.session, v: 1,
    }));
    const key = await makeOneTimeKey(form.dataset.suite === 'SM2-HKDF-SM3-SM4GCM', 'evaluation committee member');
    const signature = await key.sign(statement);
    form.elements.memberRequest.value = key.requestPem;
    form.elements.memberStatement.value = base64(statement);
    form.elements.memberSignature.value = base64(signature);
    form.action = submitter?.formAction || form.action;
    // The native submit: no second submit event, the page answers as it does for every form (redirect or refusal).
    form.submit();
  } catch (e) {
    console.error('member signature failed', e);
    buttons.forEach(b => { b.disabled = false; });
    show(form.dataset.msgFailed);
  }
});
