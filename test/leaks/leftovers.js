// What a test run left behind: processes and files. Other people run tests on the same machine at the same
// time, so only what this run can be told apart by counts: a process carrying the run's marker in its
// environment (children inherit it), or working in the run's own temp folder (a simulated agent starts its
// executors with a clean environment, but in a sandbox under the temp folder), and anything in that folder.
const fs = require('node:fs');
const path = require('node:path');

const MARKER = 'LEAK_CHECK_RUN';

function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** Live processes of this run other than `exceptPid` (the jest process itself), from /proc; none without /proc. */
function leftoverProcesses(runId, dir, exceptPid) {
  if (!fs.existsSync('/proc/self')) return [];
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === exceptPid) continue;
    const proc = path.join('/proc', entry);
    // A zombie is already dead; its parent has yet to reap it.
    if (/^\d+ \(.*\) Z /.test(readOr(path.join(proc, 'stat'), ''))) continue;
    const ours = readOr(path.join(proc, 'environ'), '').split('\0').includes(`${MARKER}=${runId}`);
    let cwd = '';
    try {
      cwd = fs.readlinkSync(path.join(proc, 'cwd'));
    } catch {
      // Someone else's process, or one that just ended.
    }
    if (ours || cwd === dir || cwd.startsWith(dir + path.sep)) {
      found.push({ pid: Number(entry), command: readOr(path.join(proc, 'cmdline'), '').split('\0').join(' ').trim() });
    }
  }
  return found;
}

/** The entries left in the run's temp folder. */
function leftoverFiles(dir) {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

module.exports = { MARKER, leftoverProcesses, leftoverFiles };
