// Face check-in: camera capture for the kiosk and for enrolment. Without a camera (or without script) the
// file inputs post photos the ordinary way; with one, a frame from the video is sent instead.
(function () {
    'use strict';

    async function startCamera(video, status, noCameraText) {
        if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
            status.textContent = noCameraText;
            return false;
        }
        try {
            const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
            video.srcObject = stream;
            video.hidden = false;
            await video.play();
            status.textContent = '';
            return true;
        } catch (e) {
            status.textContent = noCameraText;
            return false;
        }
    }

    function grab(video, canvas) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext('2d').drawImage(video, 0, 0);
        return new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    }

    function cameraReady(video) {
        return video.srcObject && video.videoWidth > 0;
    }

    const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

    // Kiosk mode: ask the server for a movement, show it, and film about three seconds of it. The frames go up in
    // capture order; the server checks the movement from the face's landmarks across them.
    const CHALLENGE_FRAMES = 8;
    const FRAME_INTERVAL_MS = 400;

    // The kiosk's device key: ECDSA P-256 made here, not extractable, kept in IndexedDB so the same browser keeps it.
    // The server knows the public key once centre staff approve the device; every kiosk check-in is signed with it.
    function idb() {
        return new Promise((resolve, reject) => {
            const open = indexedDB.open('trading-kiosk', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('keys');
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
        });
    }

    function idbCall(db, mode, op) {
        return new Promise((resolve, reject) => {
            const request = op(db.transaction('keys', mode).objectStore('keys'));
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
    }

    const hex = buffer => Array.from(new Uint8Array(buffer), b => b.toString(16).padStart(2, '0')).join('');
    const base64 = buffer => btoa(String.fromCharCode(...new Uint8Array(buffer)));

    async function deviceKey() {
        const db = await idb();
        let pair = await idbCall(db, 'readonly', store => store.get('device'));
        if (!pair) {
            pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
            await idbCall(db, 'readwrite', store => store.put(pair, 'device'));
        }
        const spki = await crypto.subtle.exportKey('spki', pair.publicKey);
        return { pair, spki, fingerprint: hex(await crypto.subtle.digest('SHA-256', spki)) };
    }

    async function registerDevice(form, line) {
        const device = await deviceKey();
        const body = new FormData();
        body.set('__RequestVerificationToken', form.querySelector('input[name="__RequestVerificationToken"]').value);
        body.set('Room', new FormData(form).get('Room'));
        body.set('Kiosk', 'true');
        body.set('publicKey', base64(device.spki));
        const response = await fetch('/CheckIn/Kiosk?handler=Device', { method: 'POST', body, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
        const state = await response.json().catch(() => ({}));
        const code = device.fingerprint.slice(0, 16);
        line.textContent = (state.approved ? line.dataset.approved : line.dataset.pending).replace('{0}', code);
        line.dataset.fingerprint = device.fingerprint;
        line.dataset.state = state.approved ? 'approved' : 'pending';
        return device;
    }

    // The frames are named as the server names them: SHA-256 over each frame's SHA-256, in order.
    async function framesHash(blobs) {
        const parts = [];
        for (const b of blobs) parts.push(new Uint8Array(await crypto.subtle.digest('SHA-256', await b.arrayBuffer())));
        const all = new Uint8Array(parts.length * 32);
        parts.forEach((p, i) => all.set(p, i * 32));
        return hex(await crypto.subtle.digest('SHA-256', all));
    }

    async function answerChallenge(form, video, canvas, data, say) {
        const token = form.querySelector('input[name="__RequestVerificationToken"]').value;
        const body = new FormData();
        body.set('__RequestVerificationToken', token);
        body.set('Room', data.get('Room'));
        body.set('Kiosk', 'true');
        const response = await fetch('/CheckIn/Kiosk?handler=Challenge', { method: 'POST', body, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
        const challenge = await response.json().catch(() => ({ title: response.statusText }));
        if (!response.ok) return challenge;
        say(form.dataset.look);
        await sleep(600);
        say(challenge.text);
        data.set('challengeId', challenge.id);
        const blobs = [];
        for (let i = 0; i < CHALLENGE_FRAMES; i++) {
            const blob = await grab(video, canvas);
            blobs.push(blob);
            data.append('frames', blob, 'frame-' + i + '.jpg');
            await sleep(FRAME_INTERVAL_MS);
        }
        const device = await deviceKey();
        const message = 'trading-kiosk-checkin/v1\n' + challenge.id + '\n' + data.get('Room') + '\n' + await framesHash(blobs);
        const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, device.pair.privateKey, new TextEncoder().encode(message));
        data.set('device', device.fingerprint);
        data.set('signature', base64(signature));
        // The instruction stays up beside the result, so a refused person sees what was asked.
        return null;
    }

    const kiosk = document.getElementById('kiosk-form');
    if (kiosk) {
        const video = document.getElementById('camera');
        const canvas = document.getElementById('frame');
        const status = document.getElementById('camera-status');
        const result = document.getElementById('kiosk-result');
        const file = document.getElementById('photo');
        const prompt = document.getElementById('challenge');
        const say = text => { if (prompt) prompt.textContent = text; };
        const deviceLine = document.getElementById('kiosk-device');
        if (deviceLine) registerDevice(kiosk, deviceLine);
        document.getElementById('start-camera').addEventListener('click', () => startCamera(video, status, kiosk.dataset.noCamera));

        kiosk.addEventListener('submit', async ev => {
            ev.preventDefault();
            const data = new FormData(kiosk);
            if (file && file.files.length === 0 && cameraReady(video)) {
                data.set('photo', await grab(video, canvas), 'camera.jpg');
            }
            const button = document.getElementById('check-in');
            button.disabled = true;
            result.textContent = kiosk.dataset.working;
            try {
                if (prompt) {
                    if (!cameraReady(video)) await startCamera(video, status, kiosk.dataset.noCamera);
                    const refused = cameraReady(video) ? await answerChallenge(kiosk, video, canvas, data, say) : null;
                    if (refused) {
                        const box = document.createElement('div');
                        box.className = 'alert alert-warning';
                        box.dataset.rule = refused.rule || '';
                        box.textContent = refused.title || '';
                        result.replaceChildren(box);
                        return;
                    }
                }
                const response = await fetch(kiosk.action, { method: 'POST', body: data, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
                const body = await response.json().catch(() => ({ title: response.statusText }));
                const box = document.createElement('div');
                if (response.status === 201) {
                    box.className = 'alert ' + (body.admitted ? 'alert-success' : 'alert-danger');
                    box.dataset.decision = body.decision;
                    const head = document.createElement('strong');
                    head.textContent = body.expertName + ' (' + body.expert + '): ' + (body.admitted ? kiosk.dataset.admitted : kiosk.dataset.refused);
                    box.append(head, document.createElement('br'), document.createTextNode(body.message));
                    if (body.possibleSubstitute) {
                        const sub = document.createElement('div');
                        sub.className = 'fw-semibold';
                        sub.textContent = '⚠ ' + body.possibleSubstitute;
                        box.append(sub);
                    }
                    const row = document.querySelector('tr[data-expert="' + CSS.escape(body.expert) + '"] .status');
                    if (row && body.admitted) row.textContent = kiosk.dataset.admitted;
                } else {
                    box.className = 'alert alert-warning';
                    box.dataset.rule = body.rule || '';
                    box.textContent = body.title || response.statusText;
                }
                result.replaceChildren(box);
                if (file) file.value = '';
            } finally {
                button.disabled = false;
            }
        });
    }

    const enrol = document.getElementById('enrol-form');
    if (enrol) {
        const video = document.getElementById('camera');
        const canvas = document.getElementById('frame');
        const status = document.getElementById('camera-status');
        const input = document.getElementById('photos');
        const count = document.getElementById('captured');
        const captured = [];
        document.getElementById('start-camera').addEventListener('click', () => startCamera(video, status, enrol.dataset.noCamera));
        document.getElementById('capture').addEventListener('click', async () => {
            if (!cameraReady(video) || captured.length >= 3) return;
            const blob = await grab(video, canvas);
            captured.push(new File([blob], 'camera-' + (captured.length + 1) + '.jpg', { type: 'image/jpeg' }));
            // Camera photos join the file input, so the form posts them like chosen files (no script-only path on the server).
            const dt = new DataTransfer();
            captured.forEach(f => dt.items.add(f));
            input.files = dt.files;
            count.textContent = enrol.dataset.captured.replace('{0}', String(captured.length));
        });
    }
})();
