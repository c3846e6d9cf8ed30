// The mirror: draws what the daemon sends over /events (see src/web/mirror.ts for the message) on a canvas
// the size of the display's raster, enlarged by whole multiples so every display pixel stays a sharp block.
'use strict';
(function () {
  var canvas = document.getElementById('glass');
  var ctx = canvas.getContext('2d');
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

  followDaemon('/events', 'frame', apply, function () {
    var level = document.body.dataset.level;
    return level === 'off' ? 'the display is blanked (burn-in protection)' : level === 'dim' ? 'the display is dimmed (burn-in protection)' : '';
  });
})();
