#!/usr/bin/env node
// A stand-in for libgpiod's gpiomon and gpiodetect, v1.6 or v2.x as configured, that reproduces their
// option parsing (getopt short/long options per version), output formats, buffering and error messages
// (brgl/libgpiod v1.6.x and v2.2.x tools/gpiomon.c, tools/gpiodetect.c, tools/tools-common.c; see
// src/hw/button/gpiomon-format.ts). Usage: libgpiod-tools.js <tool> <config.json> [args...]
// config: { version, chips: [{name,label,lines}], fail?: 'EACCES'|'EBUSY', namedLines?, eventsFile, argsLog }
'use strict';
const fs = require('fs');
const [tool, configPath, ...argv] = process.argv.slice(2);
const cfg = JSON.parse(fs.readFileSync(configPath, 'utf8'));
const v2 = Number(cfg.version.split('.')[0]) >= 2;
const STRERROR = { EACCES: 'Permission denied', EBUSY: 'Device or resource busy', EINVAL: 'Invalid argument', ENOENT: 'No such file or directory' };
const die = (msg) => {
  process.stderr.write(`${tool}: ${msg}\n`);
  process.exit(1);
};
if (cfg.argsLog) fs.appendFileSync(cfg.argsLog, JSON.stringify([tool, ...argv]) + '\n');

function printVersion() {
  const [maj, min] = cfg.version.split('.').map(Number);
  if (maj > 2 || (maj === 2 && min >= 3)) console.log(`${tool} v${cfg.version} (libgpiod v${cfg.version})`);
  else console.log(`${tool} (libgpiod) v${cfg.version}`);
  console.log('Copyright (C) 2017-2023 Bartosz Golaszewski');
  process.exit(0);
}

// glibc getopt_long with a "+" optstring: options stop at the first positional argument.
function getopt(shortopts, longopts) {
  const opts = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s);
      if (!(name in longopts)) { process.stderr.write(`${tool}: unrecognized option '${a}'\n`); die(`try ${tool} --help`); }
      let val = inline;
      if (longopts[name].arg && val === undefined) val = argv[++i];
      opts.push([longopts[name].key, val]);
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const k = shortopts.indexOf(c);
        if (k < 0 || c === ':' || c === '+') { process.stderr.write(`${tool}: invalid option -- '${c}'\n`); die(`try ${tool} --help`); }
        if (shortopts[k + 1] === ':') {
          const val = a.length > j + 1 ? a.slice(j + 1) : argv[++i];
          opts.push([c, val]);
          break;
        }
        opts.push([c, undefined]);
      }
    } else break;
  }
  return { opts, rest: argv.slice(i) };
}

function findChip(id, byLabel) {
  return cfg.chips.find((c, n) => id === c.name || id === `/dev/${c.name}` || id === String(n) || (byLabel && id === c.label));
}

if (tool === 'gpiodetect') {
  if (argv.includes('-v') || argv.includes('--version')) printVersion();
  if (cfg.fail === 'EACCES') die(v2 ? `unable to open chip '/dev/${cfg.chips[0].name}': Permission denied` : 'unable to access GPIO chips: Permission denied');
  for (const c of cfg.chips) console.log(`${c.name} [${c.label}] (${c.lines} lines)`);
  process.exit(0);
}

let lineBuffered = v2; // v2 flushes before every poll; v1 only with -b
let chip, offset, banner = false;
if (v2) {
  const { opts, rest } = getopt('+b:c:C:e:E:hF:ln:p:qshv', {
    'active-low': { key: 'l' }, banner: { key: '-' }, bias: { key: 'b', arg: true }, 'by-name': { key: 'B' },
    chip: { key: 'c', arg: true }, consumer: { key: 'C', arg: true }, 'debounce-period': { key: 'p', arg: true },
    edges: { key: 'e', arg: true }, 'event-clock': { key: 'E', arg: true }, format: { key: 'F', arg: true },
    help: { key: 'h' }, 'idle-timeout': { key: 'i', arg: true }, localtime: { key: 'L' }, 'num-events': { key: 'n', arg: true },
    quiet: { key: 'q' }, silent: { key: 'q' }, strict: { key: 's' }, unquoted: { key: 'Q' }, utc: { key: 'U' }, version: { key: 'v' },
  });
  for (const [k, v] of opts) {
    if (k === 'v') printVersion();
    if (k === 'b' && !['pull-up', 'pull-down', 'disabled'].includes(v)) die(`invalid bias: ${v}`);
    if (k === 'c') chip = v;
    if (k === '-') banner = true;
  }
  if (rest.length < 1) die('at least one GPIO line must be specified');
  if (chip === undefined) die(`cannot find line '${rest[0]}'`);
  const c = findChip(chip, false);
  if (!c) die(`cannot find GPIO chip character device '${chip}'`);
  if (cfg.fail === 'EACCES') die(`unable to open chip '/dev/${c.name}': Permission denied`);
  offset = Number(rest[0]);
  if (offset >= c.lines) die(`offset ${rest[0]} is out of range on chip '${chip}'`);
  if (cfg.fail === 'EBUSY') die(`unable to request lines on chip /dev/${c.name}: Device or resource busy`);
  chip = c;
} else {
  const { opts, rest } = getopt('+hvlB:n:srfbF:', {
    help: { key: 'h' }, version: { key: 'v' }, 'active-low': { key: 'l' }, bias: { key: 'B', arg: true },
    'num-events': { key: 'n', arg: true }, silent: { key: 's' }, 'rising-edge': { key: 'r' }, 'falling-edge': { key: 'f' },
    'line-buffered': { key: 'b' }, format: { key: 'F', arg: true },
  });
  for (const [k, v] of opts) {
    if (k === 'v') printVersion();
    if (k === 'B' && !['as-is', 'disable', 'pull-down', 'pull-up'].includes(v)) die(`invalid bias: ${v}`);
    if (k === 'b') lineBuffered = true;
  }
  if (rest.length < 1) die('gpiochip must be specified');
  if (rest.length < 2) die('at least one GPIO line offset must be specified');
  const c = findChip(rest[0], true);
  if (!c) die(`error waiting for events: ${STRERROR.ENOENT}`);
  offset = Number(rest[1]);
  if (offset >= c.lines) die(`error waiting for events: ${STRERROR.EINVAL}`);
  if (cfg.fail) die(`error waiting for events: ${STRERROR[cfg.fail]}`);
  chip = c;
}

// stdout to a pipe is block-buffered by stdio unless line buffering was asked for.
let pending = '';
const out = (text) => {
  pending += text;
  if (lineBuffered || pending.length >= 4096) { fs.writeSync(1, pending); pending = ''; }
};
const finish = (code) => { if (pending) fs.writeSync(1, pending); process.exit(code); };
process.on('SIGTERM', () => finish(0));
process.on('SIGINT', () => finish(0));
if (banner) out(`Monitoring line '${offset}'...\n`);

function eventLine(rising) {
  const ns = process.hrtime.bigint();
  const sec = String(ns / 1000000000n);
  const frac = String(ns % 1000000000n).padStart(9, '0');
  if (!v2) return `event: ${rising ? ' RISING EDGE' : 'FALLING EDGE'} offset: ${offset} timestamp: [${sec.padStart(8)}.${frac}]\n`;
  const name = cfg.namedLines ? ` "GPIO${offset}"` : '';
  return `${sec}.${frac}\t${rising ? 'rising' : 'falling'}\t${chip.name} ${offset}${name}\n`;
}

// Events come from lines appended to eventsFile: "rising", "falling", or "die <message>".
let seen = 0;
setInterval(() => {
  let text = '';
  try { text = fs.readFileSync(cfg.eventsFile, 'utf8'); } catch { return; }
  const lines = text.split('\n').filter(Boolean);
  for (; seen < lines.length; seen++) {
    const cmd = lines[seen];
    if (cmd.startsWith('die ')) { process.stderr.write(`${tool}: ${cmd.slice(4)}\n`); finish(1); }
    out(eventLine(cmd === 'rising'));
  }
}, 5);
