// The controls under the mirror (see src/web/controls.ts): shown only when the daemon says they are on. The
// secret is asked once per tab and kept in sessionStorage, never in a URL; each press is signed with it
// (HMAC-SHA256 of the action, the panel's time and a random nonce), so the secret never crosses the network.
// SHA-256 is written out here because a page served over plain HTTP from a Pi is not a secure context, and
// browsers give crypto.subtle only to secure contexts (getRandomValues they give to every page).
'use strict';
(function () {
  var KEY = 'mesos-panel-secret';
  var box = document.getElementById('controls');
  if (!box) return;

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];

  /** SHA-256 (FIPS 180-4) of a byte array. */
  function sha256(bytes) {
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var n = bytes.length, total = Math.ceil((n + 9) / 64) * 64, m = new Uint8Array(total), w = new Array(64);
    m.set(bytes);
    m[n] = 0x80;
    var bits = n * 8;
    for (var b = 0; b < 4; b++) m[total - 1 - b] = (bits >>> (8 * b)) & 255;
    m[total - 5] = Math.floor(bits / 0x100000000) & 255;
    function rotr(x, k) { return (x >>> k) | (x << (32 - k)); }
    for (var off = 0; off < total; off += 64) {
      for (var i = 0; i < 64; i++) {
        if (i < 16) w[i] = (m[off + 4 * i] << 24) | (m[off + 4 * i + 1] << 16) | (m[off + 4 * i + 2] << 8) | m[off + 4 * i + 3];
        else {
          var s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
          var s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
          w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
        }
      }
      var a = H[0], c = H[1], d = H[2], e = H[3], f = H[4], g = H[5], h = H[6], k = H[7];
      for (var j = 0; j < 64; j++) {
        var t1 = (k + (rotr(f, 6) ^ rotr(f, 11) ^ rotr(f, 25)) + ((f & g) ^ (~f & h)) + K[j] + w[j]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & c) ^ (a & d) ^ (c & d))) | 0;
        k = h; h = g; g = f; f = (e + t1) | 0; e = d; d = c; c = a; a = (t1 + t2) | 0;
      }
      var v = [a, c, d, e, f, g, h, k];
      for (var r = 0; r < 8; r++) H[r] = (H[r] + v[r]) | 0;
    }
    var out = new Uint8Array(32);
    for (var q = 0; q < 32; q++) out[q] = (H[q >> 2] >>> (24 - 8 * (q & 3))) & 255;
    return out;
  }

  /** HMAC-SHA256 (RFC 2104) of text with a text key, as hex. */
  function hmacHex(key, text) {
    var enc = new TextEncoder(), k = enc.encode(key);
    if (k.length > 64) k = sha256(k);
    var inner = new Uint8Array(64), outer = new Uint8Array(64);
    for (var i = 0; i < 64; i++) { inner[i] = (k[i] || 0) ^ 0x36; outer[i] = (k[i] || 0) ^ 0x5c; }
    var msg = enc.encode(text), first = new Uint8Array(64 + msg.length);
    first.set(inner); first.set(msg, 64);
    var second = new Uint8Array(96);
    second.set(outer); second.set(sha256(first), 64);
    return Array.prototype.map.call(sha256(second), function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
  }

  function nonce() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
  }

  var said = document.createElement('p');
  said.id = 'said';
  said.setAttribute('role', 'status');
  var form = document.createElement('form');
  form.hidden = true;
  form.innerHTML = '<label>secret <input type="password" autocomplete="off" required></label> <button type="submit">unlock</button>';
  var input = form.querySelector('input');
  var waiting = null;

  function say(text) { said.textContent = text; }

  // The panel's clock is asked before every press, so a Pi whose clock is off still gets fresh presses.
  function press(action) {
    var secret = sessionStorage.getItem(KEY);
    if (!secret) { waiting = action; form.hidden = false; input.focus(); say('enter the secret from web.secretFile'); return; }
    fetch('/control', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (c) {
        if (!c.controls) throw new Error('the controls are off');
        var t = c.now, n = nonce();
        var body = JSON.stringify({ t: t, nonce: n, mac: hmacHex(secret, 'mesos-panel control\n' + action + '\n' + t + '\n' + n) });
        return fetch('/control/' + action, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body });
      })
      .then(function (r) {
        return r.text().then(function (text) {
          // A secret the daemon does not take is forgotten, so the next press asks for it again.
          if (r.status === 401 || (r.status === 403 && /^wrong secret/.test(text))) sessionStorage.removeItem(KEY);
          say(r.ok ? JSON.parse(text).text : text.trim());
        });
      })
      .catch(function (err) { say('not sent: ' + err.message); });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    sessionStorage.setItem(KEY, input.value);
    input.value = '';
    form.hidden = true;
    if (waiting) press(waiting);
    waiting = null;
  });

  fetch('/control', { cache: 'no-store' })
    .then(function (r) { return r.ok ? r.json() : { controls: false }; })
    .then(function (c) {
      if (!c.controls) return;
      var labels = { next: 'next screen', start: 'start π', reset: 'reset π' };
      c.actions.forEach(function (action) {
        var b = document.createElement('button');
        b.type = 'button';
        b.id = 'press-' + action;
        b.textContent = labels[action] || action;
        b.addEventListener('click', function () { press(action); });
        box.appendChild(b);
      });
      box.appendChild(form);
      box.appendChild(said);
      box.hidden = false;
    })
    .catch(function () { /* no controls: the mirror alone */ });
})();
