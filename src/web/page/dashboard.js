// The projector dashboard: applies the `dash` events of /dashboard/events (see src/web/dashboard.ts for their
// fields) to the page and its uPlot charts. A `reset` event carries everything; the others carry what changed.
'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var RES = ['cpus', 'mem', 'disk'];
  var HOUR = 3600;
  var hist = [], bucketS = 10, charts = {}, seq = 0, jobTerms = 0;

  function si(n, decimals) {
    var units = [[1e12, ' T'], [1e9, ' G'], [1e6, ' M'], [1e3, ' k']];
    for (var i = 0; i < units.length; i++) if (n >= units[i][0]) return (n / units[i][0]).toFixed(n >= 100 * units[i][0] ? 0 : decimals === undefined ? 1 : decimals) + units[i][1];
    return String(Math.round(n));
  }
  function amount(kind, x) {
    if (kind === 'cpus') return String(Math.round(x * 10) / 10);
    return x >= 1000 ? (x / 1024).toFixed(1) + ' GB' : Math.round(x) + ' MB';
  }
  function duration(s) {
    if (s === null) return '?';
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(r).padStart(2, '0');
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  var fontPx = function () { return Math.max(12, Math.round(Math.min(innerWidth * 0.012, innerHeight * 0.02))); };
  function axis() { return { stroke: '#bbb', grid: { stroke: '#262626' }, ticks: { stroke: '#333' }, font: fontPx() + 'px system-ui' }; }
  function boxSize(box) {
    var r = box.getBoundingClientRect();
    return { width: Math.max(100, Math.floor(r.width)), height: Math.max(60, Math.floor(r.height)) };
  }
  function makeChart(box, opts, data) {
    var size = boxSize(box);
    opts.width = size.width;
    opts.height = size.height;
    opts.legend = { show: false };
    opts.cursor = { show: false };
    opts.axes = opts.axes || [axis(), axis()];
    return new uPlot(opts, data, box);
  }
  // Times of day on one line (uPlot's default adds a line with the date, which a projector does not need).
  function clock(u, splits, axisIdx, space, incr) {
    return splits.map(function (t) { var d = new Date(t * 1000); return d.toTimeString().slice(0, incr < 60 ? 8 : 5); });
  }
  function resChart(kind) {
    return makeChart(document.querySelector('#' + kind + ' .chart'), {
      scales: { y: { range: [0, 100] } },
      axes: [Object.assign(axis(), { values: clock }), axis()],
      series: [{}, { label: 'used %', stroke: '#4ad', fill: 'rgba(68,170,221,.3)', width: 3 }, { label: 'offered %', stroke: '#fc5', width: 2 }],
    }, [[], [], []]);
  }
  // The bounds run from 1e-6 down to 1e-30, beyond the steps uPlot's own log scale knows: the chart draws
  // log10 of terms and bounds on linear scales and writes the ticks as powers of ten.
  var SUP = { '-': '\u207b', 0: '\u2070', 1: '\u00b9', 2: '\u00b2', 3: '\u00b3', 4: '\u2074', 5: '\u2075', 6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };
  function power(v) { return '10' + String(Math.round(v)).split('').map(function (c) { return SUP[c]; }).join(''); }
  function showConv(rows) {
    var data = [0, 1, 2].map(function (i) { return rows.map(function (r) { return Math.log10(r[i]); }); });
    if (!charts.conv) {
      charts.conv = makeChart($('conv'), {
        scales: { x: { time: false, auto: false } },
        axes: [
          Object.assign(axis(), { incrs: [1, 2, 5], values: function (u, splits) { return splits.map(function (v) { return si(Math.pow(10, v), 0); }); } }),
          Object.assign(axis(), { incrs: [1, 2, 5, 10, 20, 50], size: 5 * fontPx(), values: function (u, splits) { return splits.map(power); } }),
        ],
        series: [{}, { label: 'raw', stroke: '#f55', width: 3, points: { size: 8 } }, { label: 'corrected', stroke: '#7e7', width: 3, points: { size: 8 } }],
      }, data);
    } else charts.conv.setData(data);
    // From the first point to the job's last term, so the audience sees how far there is to go.
    if (rows.length) charts.conv.setScale('x', { min: Math.floor(data[0][0]), max: Math.ceil(Math.max(data[0][data[0].length - 1], Math.log10(Math.max(10, jobTerms)))) });
    $('conv').dataset.points = String(rows.length);
  }
  // Each chart fills its box; the boxes change with the window and with what the page shows around them.
  function fit() {
    Object.keys(charts).forEach(function (k) {
      var size = boxSize(charts[k].root.parentNode);
      if (size.width !== charts[k].width || size.height !== charts[k].height) charts[k].setSize(size);
    });
  }
  addEventListener('resize', fit);

  // One row of history: [seconds, then used, offered, total of cpus, mem and disk]; a sample in the same bucket
  // as the last replaces it, as in the daemon's history.
  function addHistory(rows) {
    rows.forEach(function (row) {
      var last = hist[hist.length - 1];
      if (last && row[0] <= last[0]) return;
      if (last && Math.floor(row[0] / bucketS) === Math.floor(last[0] / bucketS)) hist[hist.length - 1] = row;
      else hist.push(row);
    });
    var newest = hist.length ? hist[hist.length - 1][0] : 0;
    while (hist.length && hist[0][0] <= newest - HOUR) hist.shift();
    RES.forEach(function (kind, i) {
      var pct = function (k) { return hist.map(function (r) { return r[3 + 3 * i] > 0 ? (100 * r[k + 3 * i]) / r[3 + 3 * i] : 0; }); };
      charts[kind].setData([hist.map(function (r) { return r[0]; }), pct(1), pct(2)]);
      document.querySelector('#' + kind + ' .chart').dataset.points = String(hist.length);
    });
  }

  function showCluster(m) {
    $('leader').textContent = m.up ? (m.leader ? 'leader ' + m.leader : '') : 'the master is not answering' + (m.error ? ': ' + m.error : '');
    $('leader').className = m.up ? '' : 'down';
    RES.forEach(function (kind) {
      var box = $(kind), u = m.res && m.res[kind];
      box.querySelector('.big').textContent = u ? amount(kind, u[0]) + ' / ' + amount(kind, u[2]) : '–';
      var sub = box.querySelector('.sub');
      sub.textContent = '';
      if (u) { sub.appendChild(el('span', 'used', 'used')); sub.appendChild(document.createTextNode(' · ')); sub.appendChild(el('span', amount(kind, u[1]) + ' offered', 'offered')); }
    });
    var c = $('counts');
    c.textContent = '';
    if (!m.agents) return;
    var part = function (n, label, cls) { var s = el('span', '', cls); s.appendChild(el('b', String(n))); s.appendChild(document.createTextNode(label + '   ')); c.appendChild(s); };
    part(m.agents[0], ' agents');
    if (m.agents[1] + m.agents[2]) part(m.agents[1] + m.agents[2], ' agents lost', 'lost');
    part(m.frameworks, ' frameworks');
    part(m.tasks, ' tasks running');
  }

  // The raw sum's digits, each one that differs from the certified digit under it marked.
  function showRaw(raw, digits) {
    var box = $('raw'), run = '', wrong = false;
    box.textContent = '';
    var flush = function () { if (run) box.appendChild(wrong ? el('span', run, 'wrong') : document.createTextNode(run)); run = ''; };
    for (var i = 0; i < raw.length; i++) {
      var w = raw[i] !== digits[i];
      if (w !== wrong) { flush(); wrong = w; }
      run += raw[i];
    }
    flush();
    if (!raw) box.textContent = '–';
  }

  function showPi(p) {
    $('pi').hidden = !p;
    $('workers').hidden = !p;
    $('digits-box').hidden = !p;
    if (!p) return;
    jobTerms = p.total;
    $('pi-state').textContent = p.state + (p.problem ? ': ' + p.problem : '');
    $('digits').textContent = p.digits || '–';
    showRaw(p.raw, p.digits);
    var decimals = p.rawOk.indexOf('.') < 0 ? 0 : p.rawOk.length - p.rawOk.indexOf('.') - 1;
    $('pi-note').textContent = p.prefix ? 'both from the first ' + si(p.prefix) + ' terms; the raw sum alone certifies ' + decimals + ' decimals, its wrong digits in red' : '';
    var pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
    $('progress').textContent = si(p.done) + ' of ' + si(p.total) + ' terms (' + pct + ' %) · ' + si(p.tps) + ' terms/s · ' +
      (p.state === 'running' ? duration(p.eta) + ' left · ' : '') + p.tasks.running + ' tasks running, ' + p.tasks.failed + ' failed';
    var body = $('agents');
    body.textContent = '';
    p.agents.forEach(function (a) {
      var tr = el('tr');
      tr.dataset.state = a.state;
      tr.appendChild(el('td', a.host));
      tr.appendChild(el('td', si(a.done), 'num'));
      tr.appendChild(el('td', a.tps ? si(a.tps) + '/s' : '–', 'num'));
      tr.appendChild(el('td', String(a.fail), 'num'));
      tr.appendChild(el('td', a.run ? si(a.run[0]) + '–' + si(a.run[1]) + (a.n > 1 ? ' +' + (a.n - 1) : '') : a.state === 'lost' ? 'gone' : '–'));
      body.appendChild(tr);
    });
    $('more').textContent = p.more ? '+ ' + p.more + ' more agents' : '';
  }

  function apply(m) {
    if (m.reset) { hist = []; bucketS = m.reset / 1000; }
    showCluster(m);
    showPi(m.pi);
    if (!charts.cpus) RES.forEach(function (k) { charts[k] = resChart(k); });
    fit();
    if (m.hist) addHistory(m.hist);
    if (m.conv) showConv(m.conv);
    document.body.dataset.seq = String(++seq);
  }

  followDaemon('/dashboard/events', 'dash', apply, function () { return ''; });
})();
