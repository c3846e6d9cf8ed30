// RecordIO framing for the event streams (Mesos docs/recordio.md): "<decimal length in bytes>\n<bytes>",
// no trailer. The length counts UTF-8 octets, so it is taken from the encoded Buffer, never the string.
export function recordioFrame(event: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(event), 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'ascii'), body]);
}
