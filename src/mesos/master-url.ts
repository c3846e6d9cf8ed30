// A master's URL as people write it, made into the base URL the clients use: one rule for every command's
// --master and for the config's masters.
// - No scheme (`localhost:5050`, `10.0.0.2`): http://, and Mesos's default port 5050 when none is given, as
//   `mesos-master --port` defaults to it (master/flags.cpp).
// - Only http:// and https://; no user or password in the URL (they would end up in logs), no query or fragment.
// - A path that names a master endpoint (`/master`, `/master/state`, `/master/state.json`, `/master/redirect`)
//   is what a user copies from a browser: it is cut off, or the client would ask for /master/master/state.
//   Any other path is kept, as the prefix of a master behind a reverse proxy (e.g. DC/OS's /mesos).

/** Its message says what is wrong and the fix, without the URL itself: each caller names it its own way. */
export class MasterUrlError extends Error {
  override readonly name = 'MasterUrlError';
}

const EXAMPLE = 'http://10.0.0.2:5050';
const ENDPOINT = /\/master(\/(state(\.json)?|redirect))?$/;

/** The base URL for `input`: scheme, host, port and any proxy prefix, no trailing slash. Throws MasterUrlError. */
export function normaliseMasterUrl(input: string): string {
  const text = input.trim();
  const schemeless = !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let u: URL;
  try {
    u = new URL(schemeless ? `http://${text}` : text);
  } catch {
    throw new MasterUrlError(`not a URL; write it like ${EXAMPLE}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new MasterUrlError(`a master speaks http:// or https://, not ${u.protocol}//; write it like ${EXAMPLE}`);
  }
  if (!u.hostname) throw new MasterUrlError(`no host; write it like ${EXAMPLE}`);
  if (u.username || u.password) {
    throw new MasterUrlError(`no user or password in the URL: put them in the file credentialsFile names`);
  }
  if (u.search || u.hash) throw new MasterUrlError(`a ?query or #fragment, which a master URL never needs; write it like ${EXAMPLE}`);
  if (schemeless && !u.port) u.port = '5050';
  const path = u.pathname.replace(/\/+$/, '').replace(ENDPOINT, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** `text` with the password of any URL in it replaced by ***, for a message that quotes what a user wrote. */
export function hidePasswords(text: string): string {
  return text.replace(/(\/\/[^/\s:@"]*:)[^@\s/"]*@/g, '$1***@');
}
