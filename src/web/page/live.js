// What the mirror and the dashboard share: they follow one Server-Sent Events stream of the daemon, and say
// plainly in #status when they have lost it.
'use strict';
/**
 * Reads the `name` events of `path`, each parsed and given to `apply`; `note()` says what #status shows while
 * connected ('' for nothing).
 */
function followDaemon(path, name, apply, note) {
  var status = document.getElementById('status');
  function up() {
    document.body.classList.remove('disconnected');
    status.className = '';
    status.textContent = note();
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
    source = new EventSource(path);
    source.addEventListener(name, function (e) { apply(JSON.parse(e.data)); up(); });
    source.onerror = function () {
      down('disconnected from the daemon: retrying…');
      if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(open, 3000); }
    };
  }
  open();
}
