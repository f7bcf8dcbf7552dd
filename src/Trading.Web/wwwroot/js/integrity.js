// Collusion screens: while a run is queued or running, poll its progress and reload the page when it ends.
(function () {
    const box = document.getElementById('run-status');
    if (!box || box.dataset.active !== 'true') return;
    const text = box.querySelector('[data-role=text]');
    const bar = box.querySelector('.progress');
    const fill = bar && bar.querySelector('.progress-bar');
    async function tick() {
        try {
            const r = await fetch(box.dataset.progressUrl, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
            if (!r.ok) return;
            const p = await r.json();
            if (text) text.textContent = p.text;
            if (bar && p.lotCount > 0) {
                bar.setAttribute('aria-valuemax', p.lotCount);
                bar.setAttribute('aria-valuenow', p.lotsDone);
                fill.style.width = Math.max(5, Math.round(100 * p.lotsDone / p.lotCount)) + '%';
            }
            if (p.status === 'Completed' || p.status === 'Failed') { window.location.reload(); return; }
        } catch (e) { /* try again on the next tick */ }
        setTimeout(tick, 2000);
    }
    setTimeout(tick, 1000);
})();
