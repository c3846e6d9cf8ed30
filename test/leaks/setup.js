// Before any test: a temp folder of this run's own and a marker every child process inherits, so that the
// teardown can tell what this run left behind from what other runs on the machine are doing.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MARKER } = require('./leftovers');

module.exports = async () => {
  const runId = `${process.pid}-${Date.now()}`;
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-test-')));
  process.env[MARKER] = runId;
  process.env.LEAK_CHECK_TMP = dir;
  // Node's os.tmpdir() reads TMPDIR on each call; jest's workers start after this and inherit both.
  process.env.TMPDIR = dir;
};
