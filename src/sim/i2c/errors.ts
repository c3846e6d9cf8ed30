// Errors shaped exactly as i2c-bus produces them, so driver code sees no difference from the real bus.
// i2cRead/i2cWrite and the lazy per-address open go through Node's fs (i2c-bus.js `peripheral`, `fs.write`):
// libuv errors carry a negative errno and the message "CODE: description, syscall 'path'".
// The SMBus calls (receiveByte, writeByte, ...) come from the native addon's Nan::ErrnoException
// (src/receivebyte.cc): positive errno, message "CODE, Description", syscall named after the call.

const ERRNO: Record<string, { errno: number; uv: string; posix: string }> = {
  ENOENT: { errno: 2, uv: 'no such file or directory', posix: 'No such file or directory' },
  EACCES: { errno: 13, uv: 'permission denied', posix: 'Permission denied' },
  EIO: { errno: 5, uv: 'i/o error', posix: 'Input/output error' },
  EBUSY: { errno: 16, uv: 'resource busy or locked', posix: 'Device or resource busy' },
  ETIMEDOUT: { errno: 110, uv: 'connection timed out', posix: 'Connection timed out' },
  EREMOTEIO: { errno: 121, uv: 'remote I/O error', posix: 'Remote I/O error' },
};

export type SimErrorCode = 'ENOENT' | 'EACCES' | 'EIO' | 'EBUSY' | 'ETIMEDOUT' | 'EREMOTEIO';

export interface ErrnoError extends Error {
  errno: number;
  code: string;
  syscall: string;
  path?: string;
}

/** An error as Node's fs raises it (uv exception). */
export function fsError(code: SimErrorCode, syscall: string, path?: string): ErrnoError {
  const e = ERRNO[code];
  const err = new Error(`${code}: ${e.uv}, ${syscall}${path ? ` '${path}'` : ''}`) as ErrnoError;
  err.errno = -e.errno;
  err.code = code;
  err.syscall = syscall;
  if (path) err.path = path;
  return err;
}

/** An error as the i2c-bus native addon raises it for SMBus calls (node::ErrnoException). */
export function smbusError(code: SimErrorCode, syscall: string): ErrnoError {
  const e = ERRNO[code];
  const err = new Error(`${code}, ${e.posix}`) as ErrnoError;
  err.errno = e.errno;
  err.code = code;
  err.syscall = syscall;
  return err;
}
