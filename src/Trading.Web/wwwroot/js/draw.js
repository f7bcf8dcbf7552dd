// Commit-reveal in the browser: the office's random value is made and kept here; only its commitment
// goes to the server until the reveal. commitment = SHA-256(enc("trading/draw/commit/v1") || enc(drawId)
// || enc(office) || enc(value)), enc(x) = 4-byte big-endian length || x (docs/expert-draw.md §5).
(function () {
    'use strict';
    const utf8 = s => new TextEncoder().encode(s);
    const enc = bytes => { const out = new Uint8Array(4 + bytes.length); new DataView(out.buffer).setUint32(0, bytes.length); out.set(bytes, 4); return out; };
    const hex = bytes => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
    const unhex = s => { const clean = s.replace(/[\s-]/g, ''); if (!/^([0-9a-fA-F]{2})+$/.test(clean)) return null; return new Uint8Array(clean.match(/../g).map(h => parseInt(h, 16))); };
    const key = (drawId, office) => 'trading.draw.' + drawId + '.' + office;

    async function commitment(drawId, office, value) {
        const parts = [enc(utf8('trading/draw/commit/v1')), enc(utf8(drawId)), enc(utf8(office)), enc(value)];
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0; for (const p of parts) { all.set(p, at); at += p.length; }
        return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', all)));
    }

    const form = document.getElementById('commit-form');
    if (form) {
        const drawId = form.dataset.drawId, office = form.dataset.office;
        const valueInput = document.getElementById('office-value'), out = document.getElementById('commitment');
        const update = async () => {
            const v = unhex(valueInput.value);
            if (!v || v.length < 16 || !window.crypto || !crypto.subtle) { out.value = ''; return; }
            out.value = await commitment(drawId, office, v);
            try { localStorage.setItem(key(drawId, office), valueInput.value.trim()); } catch (e) { /* private mode: the user keeps the value */ }
        };
        document.getElementById('generate-value').addEventListener('click', async () => {
            valueInput.value = hex(crypto.getRandomValues(new Uint8Array(32)));
            await update();
        });
        valueInput.addEventListener('input', update);
    }
    const reveal = document.getElementById('reveal-form');
    if (reveal) {
        const input = document.getElementById('reveal-value');
        try { const kept = localStorage.getItem(key(reveal.dataset.drawId, reveal.dataset.office)); if (kept && !input.value) input.value = kept; } catch (e) { /* nothing kept */ }
    }
})();
