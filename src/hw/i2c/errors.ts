// The one place where errno from i2c-bus becomes something a user can act on (errno is mapped once, in the
// transport, with bus and address in the message). Codes as i2c-bus 5.2.3 passes them on from the kernel.
import * as os from 'os';
import { errorMessage } from '../../lib/error-line';

export type I2cErrorKind = 'no-bus' | 'no-access' | 'no-answer' | 'bus-error' | 'busy' | 'other';

export class I2cError extends Error {
  constructor(
    readonly kind: I2cErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'I2cError';
  }
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'this user');
  }
}

const hex = (addr: number): string => `0x${addr.toString(16).padStart(2, '0')}`;

/** One line naming the problem and the fix, for any error an i2c-bus call can raise. */
export function toI2cError(err: unknown, bus: number, addr: number, user = currentUser()): I2cError {
  if (err instanceof I2cError) return err;
  const code = (err as { code?: unknown })?.code;
  const dev = `/dev/i2c-${bus}`;
  switch (code) {
    case 'ENOENT':
      return new I2cError('no-bus', code, `I2C is not enabled (sudo raspi-config nonint do_i2c 0) or bus ${bus} does not exist (${dev})`);
    case 'EACCES':
    case 'EPERM':
      return new I2cError('no-access', code, `user ${user} is not in group i2c and cannot open ${dev}: sudo usermod -aG i2c ${user}, then log in again`);
    case 'EREMOTEIO':
    case 'ENXIO':
      return new I2cError('no-answer', code, `nothing answers at ${hex(addr)} on ${dev}: check the wiring; i2cdetect -y ${bus}`);
    case 'EIO':
    case 'ETIMEDOUT':
      return new I2cError('bus-error', code, `bus error (${code}) at ${hex(addr)} on ${dev}: check the wiring and pull-ups, and keep the bus at 100 kHz if a PCF8574 shares it`);
    case 'EBUSY':
      return new I2cError('busy', code, `${hex(addr)} on ${dev} is claimed by a kernel driver (EBUSY): remove the dtoverlay that binds it`);
    default: {
      const text = errorMessage(err);
      return new I2cError('other', typeof code === 'string' ? code : 'UNKNOWN', `I2C error at ${hex(addr)} on ${dev}: ${text.split('\n')[0]}`);
    }
  }
}
