// After the last test: the run fails if a test left a process running or a file in the temp folder. What is
// found is named, then cleaned up, so one leaky run does not burden the machine.
const fs = require('node:fs');
const { MARKER, leftoverProcesses, leftoverFiles } = require('./leftovers');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = async () => {
  const runId = process.env[MARKER];
  const dir = process.env.LEAK_CHECK_TMP;
  if (!runId || !dir) return;
  // A child killed in the last afterAll may need a moment to exit.
  let procs = leftoverProcesses(runId, dir, process.pid);
  for (let i = 0; i < 20 && procs.length > 0; i++) {
    await sleep(100);
    procs = leftoverProcesses(runId, dir, process.pid);
  }
  // A test that removed the whole folder would hide what the others left in it.
  const files = fs.existsSync(dir) ? leftoverFiles(dir) : ['(the folder itself is gone: a test removed the temp folder, not its own)'];
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // It ended on its own meanwhile.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const problems = [
    ...procs.map((p) => `process ${p.pid} still running: ${p.command}`),
    ...files.map((f) => `left in the temp folder: ${f}`),
  ];
  if (problems.length > 0) {
    const err = new Error(`the tests left things behind (now cleaned up):\n  ${problems.join('\n  ')}`);
    // The list is the message; where in this file it was thrown says nothing.
    err.stack = err.message;
    throw err;
  }
};
