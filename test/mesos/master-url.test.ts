// One rule for a master's URL, whoever gives it: --master on any command or masters in the config.
import { hidePasswords, MasterUrlError, normaliseMasterUrl } from '../../src/mesos/master-url';

describe('normaliseMasterUrl', () => {
  it.each([
    ['localhost:5050', 'http://localhost:5050'],
    ['127.0.0.1:5050', 'http://127.0.0.1:5050'],
    ['10.0.0.2', 'http://10.0.0.2:5050'],
    ['http://10.0.0.2', 'http://10.0.0.2'],
    ['https://mesos.example.org/', 'https://mesos.example.org'],
    ['http://host:5050/master', 'http://host:5050'],
    ['http://host:5050/master/', 'http://host:5050'],
    ['http://host:5050/master/state', 'http://host:5050'],
    ['host:5050/master/state.json', 'http://host:5050'],
    ['http://host:5050/master/redirect', 'http://host:5050'],
    ['https://dcos.example.org/mesos', 'https://dcos.example.org/mesos'],
    ['https://dcos.example.org/mesos/master/state', 'https://dcos.example.org/mesos'],
    [' http://[::1]:5050 ', 'http://[::1]:5050'],
  ])('%s is %s', (input, base) => {
    expect(normaliseMasterUrl(input)).toBe(base);
  });

  it.each([
    ['ftp://10.0.0.2:5050', 'a master speaks http:// or https://, not ftp://; write it like http://10.0.0.2:5050'],
    ['http://[oops', 'not a URL; write it like http://10.0.0.2:5050'],
    ['http://admin:secret@10.0.0.2:5050', 'no user or password in the URL: put them in the file credentialsFile names'],
    ['http://10.0.0.2:5050/master/state?jsonp=x', 'a ?query or #fragment, which a master URL never needs; write it like http://10.0.0.2:5050'],
  ])('%s is refused in one line', (input, message) => {
    expect(() => normaliseMasterUrl(input)).toThrow(new MasterUrlError(message));
  });
});

describe('hidePasswords', () => {
  it('masks the password of every URL in a message and leaves the rest', () => {
    expect(hidePasswords('["http://ops:hunter2@10.0.0.2:5050","https://a:b@c/mesos","http://10.0.0.3:5050"]')).toBe(
      '["http://ops:***@10.0.0.2:5050","https://a:***@c/mesos","http://10.0.0.3:5050"]',
    );
  });
});
