// Every display controller the panel drives, in one table: the sizes it comes in, where it answers on I2C, its
// driver, and how `doctor` checks that what answers there is such a controller. The config schema, `render
// --display`, `doctor`, the bench and the emulators (src/sim/i2c/emulators.ts, keyed by the same names) all read
// this table, so a controller added here is offered everywhere, and one without an emulator does not compile.
import type { SizeName } from '../panel/frame';
import { geometryOf } from '../panel/frame';
import type { PanelDriver } from './display/driver';
import { OledDriver, type OledOptions } from './display/oled-driver';
import { sh1106Controller } from './display/sh1106';
import { sh1107Controller } from './display/sh1107';
import { ssd1306Controller } from './display/ssd1306';
import { ssd1309Controller } from './display/ssd1309';
import { Hd44780Driver } from './i2c/hd44780';
import { isPcf8574Address, isValidPinMap, type PinMap } from './i2c/pcf8574';
import type { ControllerTransport, PortTransport } from './display/transport';

/** Everything a driver is built from, already checked against the kind (displaySettingsIssues). */
export interface DriverSettings extends OledOptions {
  size: SizeName;
  /** SH1106 only: the first RAM column the glass shows. */
  columnOffset: number;
  /** HD44780 only: how the PCF8574 drives the LCD. */
  pins: PinMap;
}

/** The bus calls a doctor probe makes (i2c-bus's PromisifiedBus, or the emulated one). */
export interface ProbeBus {
  i2cRead(addr: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  i2cWrite(addr: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number; buffer: Buffer }>;
}

export interface ProbeResult {
  /** Whether the answer is what this controller gives. */
  ok: boolean;
  detail: string;
}

export interface DisplayKindSpec {
  /** How people and datasheets name it: "SSD1306 OLED". */
  readonly title: string;
  readonly family: 'OLED' | 'LCD';
  /** The sizes its modules come in; the first is the default. */
  readonly sizes: readonly SizeName[];
  /** Whether an I2C address can be this controller; the default address when none is configured. */
  answersAt(addr: number): boolean;
  readonly defaultAddress: number;
  readonly addressHint: string;
  /** Builds the driver; OLED drivers use the transport's command()/data(), the LCD its raw port writes. */
  driver(t: ControllerTransport & PortTransport, s: DriverSettings): PanelDriver;
  /** Talks to the device without changing the glass and says what it learned; throws the bus error otherwise. */
  probe(bus: ProbeBus, addr: number): Promise<ProbeResult>;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
const oledAddress = (addr: number): boolean => addr === 0x3c || addr === 0x3d;

/** SSD130x over I2C are write-only (SSD1306 §8.1.5, SSD1309 §9.6): a NOP (E3) is the one command that changes nothing. */
async function takesNop(bus: ProbeBus, addr: number): Promise<ProbeResult> {
  await bus.i2cWrite(addr, 2, Buffer.from([0x00, 0xe3]));
  return { ok: true, detail: 'takes a command (NOP)' };
}

/**
 * The SH110x answer a read with their status byte: D7 busy, D6 display off, then the SH1106 reads 0 in D2-D0
 * (SH1106 V2.2 command 23) and the SH1107 its chip ID 000111 in D5-D0 (SH1107 V2.1 command 22), which tells the
 * two apart.
 */
function readsStatus(want: 'sh1106' | 'sh1107'): (bus: ProbeBus, addr: number) => Promise<ProbeResult> {
  return async (bus, addr) => {
    const buf = Buffer.alloc(1);
    await bus.i2cRead(addr, 1, buf);
    const s = buf[0];
    const is = (s & 0x3f) === 0x07 ? 'sh1107' : (s & 0x07) === 0 ? 'sh1106' : undefined;
    const state = `status byte ${hex(s)}, display ${s & 0x40 ? 'off' : 'on'}`;
    if (is === want) return { ok: true, detail: want === 'sh1107' ? `${state}, chip ID 07` : state };
    return { ok: false, detail: is ? `${state}: this is an ${is.toUpperCase()}; set display.kind to ${is}` : `${state}: not an SH1106 or SH1107 status` };
  };
}

/** A PCF8574 read returns its pins (PCF8574 datasheet §8.2): harmless, unlike a write, which would clock the LCD. */
async function readsPort(bus: ProbeBus, addr: number): Promise<ProbeResult> {
  const buf = Buffer.alloc(1);
  await bus.i2cRead(addr, 1, buf);
  return { ok: true, detail: `the expander's port reads ${hex(buf[0])}` };
}

const oled = (o: Omit<DisplayKindSpec, 'family' | 'answersAt' | 'defaultAddress' | 'addressHint'>): DisplayKindSpec => ({
  ...o,
  family: 'OLED',
  answersAt: oledAddress,
  defaultAddress: 0x3c,
  addressHint: '0x3c or 0x3d',
});

export const DISPLAY_KINDS = {
  ssd1306: oled({
    title: 'SSD1306 OLED',
    sizes: ['128x64', '128x32'],
    driver: (t, s) => new OledDriver(ssd1306Controller(s.size as '128x64' | '128x32'), t, s),
    probe: takesNop,
  }),
  ssd1309: oled({
    title: 'SSD1309 OLED',
    sizes: ['128x64'],
    driver: (t, s) => new OledDriver(ssd1309Controller(), t, s),
    probe: takesNop,
  }),
  sh1106: oled({
    title: 'SH1106 OLED',
    sizes: ['128x64'],
    driver: (t, s) => new OledDriver(sh1106Controller(s.columnOffset, s.rotation), t, s),
    probe: readsStatus('sh1106'),
  }),
  sh1107: oled({
    title: 'SH1107 OLED',
    sizes: ['128x128', '128x64'],
    driver: (t, s) => new OledDriver(sh1107Controller(s.size === '128x64' ? 64 : 128), t, s),
    probe: readsStatus('sh1107'),
  }),
  hd44780: {
    title: 'HD44780 LCD on a PCF8574 backpack',
    family: 'LCD',
    sizes: ['16x2', '20x4'],
    answersAt: isPcf8574Address,
    defaultAddress: 0x27,
    addressHint: '0x20-0x27 or 0x38-0x3f (PCF8574A)',
    driver: (t, s) => {
      const g = geometryOf(s.size) as { cols: 16 | 20; rows: 2 | 4 };
      return new Hd44780Driver(t, { cols: g.cols, rows: g.rows, pins: s.pins });
    },
    probe: readsPort,
  },
} satisfies Record<string, DisplayKindSpec>;

export type DisplayKindName = keyof typeof DISPLAY_KINDS;
export const DISPLAY_KIND_NAMES = Object.keys(DISPLAY_KINDS) as DisplayKindName[];

/** Displays without a bus: for development, and for a panel that only runs the π job. */
export const SOFTWARE_DISPLAYS = ['terminal', 'png', 'none'] as const;
export type AnyDisplayKind = DisplayKindName | (typeof SOFTWARE_DISPLAYS)[number];
const [firstKind, ...otherKinds] = DISPLAY_KIND_NAMES;
/** Every value of display.kind, controllers first (a non-empty list, as the config schema's enum needs). */
export const ALL_DISPLAY_KINDS: readonly [AnyDisplayKind, ...AnyDisplayKind[]] = [firstKind, ...otherKinds, ...SOFTWARE_DISPLAYS];

export function isDisplayKind(name: string): name is DisplayKindName {
  return Object.prototype.hasOwnProperty.call(DISPLAY_KINDS, name);
}

/** "a or b", "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The size problem of a kind, in words that end with what is allowed; undefined when the kind comes in that size. */
export function sizeProblem(kind: DisplayKindName, size: SizeName): string | undefined {
  const { sizes }: DisplayKindSpec = DISPLAY_KINDS[kind];
  return sizes.includes(size) ? undefined : `${kind} comes in ${orList(sizes)}`;
}

export interface DisplaySettingsToCheck {
  kind: string;
  size: SizeName;
  address: number | null;
  lcd: { pinMap: string; customPins: Record<'rs' | 'rw' | 'e' | 'backlight' | 'd4' | 'd5' | 'd6' | 'd7', number> | null };
}

/**
 * What a display setting gets wrong for its kind, each with the key it is under (relative to `display`) and what
 * is allowed. The config schema reports these with the other config problems; nothing checks them again.
 */
export function displaySettingsIssues(d: DisplaySettingsToCheck): { path: string[]; message: string }[] {
  if (!isDisplayKind(d.kind)) return [];
  const spec: DisplayKindSpec = DISPLAY_KINDS[d.kind];
  const out: { path: string[]; message: string }[] = [];
  const size = sizeProblem(d.kind, d.size);
  if (size) out.push({ path: ['size'], message: `${orList(spec.sizes)} for ${d.kind}` });
  if (d.address !== null && !spec.answersAt(d.address)) out.push({ path: ['address'], message: `${spec.addressHint} for ${d.kind}, or null for ${hex(spec.defaultAddress)}` });
  if (d.kind === 'hd44780' && d.lcd.pinMap === 'custom') {
    const p = d.lcd.customPins;
    if (!p) out.push({ path: ['lcd', 'customPins'], message: 'with pinMap "custom": {rs, rw, e, backlight, d4, d5, d6, d7}, PCF8574 bits 0-7' });
    else if (!isValidPinMap(customPinMap(p))) out.push({ path: ['lcd', 'customPins'], message: 'each PCF8574 bit 0-7 used once (rs, rw, e, backlight, d4-d7)' });
  }
  return out;
}

export function customPinMap(p: NonNullable<DisplaySettingsToCheck['lcd']['customPins']>): PinMap {
  return { rs: p.rs, rw: p.rw, e: p.e, backlight: p.backlight, data: [p.d4, p.d5, p.d6, p.d7], backlightActiveLow: false };
}

