/**
 * Where webhooks may go: https only in production, no credentials, and no private, loopback,
 * link-local or reserved address (literal or resolved at connect time) unless allowed by name.
 */
import { destinationPolicy, guardedLookup, isBlockedAddress, refuseUrl } from '../../activities/webhooks/destination';

const production = destinationPolicy({ NODE_ENV: 'production' });
const development = destinationPolicy({ NODE_ENV: 'development' });
const allowingLoopback = destinationPolicy({ NODE_ENV: 'test', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,Hooks.Internal' });

describe('blocked addresses', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.8',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fc00::2',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'ff02::1',
    'not an address',
  ])('refuses %s', (address) => expect(isBlockedAddress(address)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '185.143.232.10', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets %s through',
    (address) => expect(isBlockedAddress(address)).toBe(false),
  );
});

describe('subscription URLs', () => {
  it('takes only https in production, http elsewhere', () => {
    expect(refuseUrl('https://hooks.example.com/x', production)).toBeNull();
    expect(refuseUrl('http://hooks.example.com/x', production)).toMatch(/only https in production/);
    expect(refuseUrl('http://hooks.example.com/x', development)).toBeNull();
    expect(refuseUrl('ftp://hooks.example.com/x', development)).toMatch(/https/);
    expect(
      refuseUrl(
        'http://127.0.0.1:9000/x',
        destinationPolicy({ NODE_ENV: 'production', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }),
      ),
    ).toBeNull();
  });

  it('refuses credentials, fragments, loopback names and private literals unless the host is allowed', () => {
    expect(refuseUrl('https://a:b@hooks.example.com/', development)).toMatch(/user name or password/);
    expect(refuseUrl('https://hooks.example.com/#x', development)).toMatch(/fragment/);
    expect(refuseUrl('http://localhost:3000/', development)).toMatch(/loopback/);
    expect(refuseUrl('http://[::1]:3000/', development)).toMatch(/private/);
    expect(refuseUrl('http://169.254.169.254/', development)).toMatch(/private/);
    expect(refuseUrl('http://127.0.0.1:3000/', allowingLoopback)).toBeNull();
    expect(refuseUrl('http://hooks.internal/', allowingLoopback)).toBeNull();
    expect(refuseUrl('not a url', development)).toMatch(/absolute URL/);
  });
});

describe('the connect-time lookup', () => {
  const lookup = (policy: typeof development, host: string) =>
    new Promise<string>((resolve, reject) =>
      guardedLookup(policy)(host, { family: 4 }, (error, address) =>
        error ? reject(error) : resolve(String(address)),
      ),
    );

  it('refuses a name that resolves to loopback, and allows it when the name is allowed', async () => {
    await expect(lookup(development, 'localhost')).rejects.toThrow(/resolves to 127\.0\.0\.1/);
    await expect(lookup(destinationPolicy({ WEBHOOK_ALLOWED_HOSTS: 'localhost' }), 'localhost')).resolves.toBe(
      '127.0.0.1',
    );
  });
});
