// The mirror: draws what the daemon sends over /events (see src/web/mirror.ts for the message) on a canvas
// the size of the display's raster, enlarged by whole multiples so every display pixel stays a sharp block.
'use strict';
(function () {
  var canvas = document.getElementById('glass');
  var ctx = canvas.getContext('2d');
  var status = document.getElementById('status');
  var w = 0, h = 0, bpp = 1, pal = null, values = null, img = null;

  function fit() {
    if (!w) return;
    var dpr = window.devicePixelRatio || 1;
    var k = Math.max(1, Math.floor(Math.min((innerWidth * 0.96 * dpr) / w, (innerHeight * 0.85 * dpr) / h)));
    canvas.style.width = (w * k) / dpr + 'px';
    canvas.style.height = (h * k) / dpr + 'px';
  }
  addEventListener('resize', fit);

  function bytesOf(b64) {
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function setRows(y0, bytes) {
    var rowBytes = Math.ceil((w * bpp) / 8), perByte = 8 / bpp, mask = (1 << bpp) - 1;
    for (var r = 0; r * rowBytes < bytes.length; r++) {
      for (var x = 0; x < w; x++) {
        var v = (bytes[r * rowBytes + Math.floor(x / perByte)] >> (8 - bpp * (1 + (x % perByte)))) & mask;
        values[(y0 + r) * w + x] = bpp === 1 ? v * 2 : v;
      }
    }
  }

  function paint() {
    var d = img.data;
    for (var i = 0; i < values.length; i++) {
      var c = pal[values[i]];
      d[4 * i] = c[0]; d[4 * i + 1] = c[1]; d[4 * i + 2] = c[2]; d[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function apply(m) {
    if (m.w) {
      w = m.w; h = m.h; bpp = m.bpp;
      canvas.width = w; canvas.height = h;
      img = ctx.createImageData(w, h);
      values = new Uint8Array(w * h);
      fit();
    }
    if (!values) return;
    if (m.pal) pal = m.pal;
    if (m.level) document.body.dataset.level = m.level;
    (m.rows || []).forEach(function (r) { setRows(r[0], bytesOf(r[1])); });
    paint();
    document.body.dataset.seq = String(m.seq);
  }

  function up() {
    document.body.classList.remove('disconnected');
    status.className = '';
    status.textContent = document.body.dataset.level === 'off' ? 'the display is blanked (burn-in protection)' : document.body.dataset.level === 'dim' ? 'the display is dimmed (burn-in protection)' : '';
  }
  function down(text) {
    document.body.classList.add('disconnected');
    status.className = 'down';
    status.textContent = text;
  }

  // EventSource retries a dropped stream by itself; one that was refused (a full server, a daemon that
  // answered with an error) it closes, so that case is retried here.
  var source = null;
  function open() {
    source = new EventSource('/events');
    source.addEventListener('frame', function (e) { apply(JSON.parse(e.data)); up(); });
    source.onerror = function () {
      down('disconnected from the daemon: retrying…');
      if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(open, 3000); }
    };
  }
  open();
})();
