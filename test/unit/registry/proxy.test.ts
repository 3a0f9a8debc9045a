// Proxy selection: environment and editor settings, NO_PROXY matching, proxy URLs with credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bypassesProxy, describeProxyError, parseProxy, proxySettingsFromEditor, proxySettingsFromEnv, routeFor } from '../../../server/src/registry/proxy';

test('environment: lower case first, ALL_PROXY as fallback, per scheme', () => {
  const s = proxySettingsFromEnv({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', HTTP_PROXY: 'http://plain:3', NO_PROXY: 'a.example, .b.example  c.example' });
  assert.equal(s.httpsProxy, 'http://lower:2');
  assert.equal(s.httpProxy, 'http://plain:3');
  assert.deepEqual(s.noProxy, ['a.example', '.b.example', 'c.example']);
  const all = proxySettingsFromEnv({ ALL_PROXY: 'http://all:4' });
  assert.equal(all.httpsProxy, 'http://all:4');
  assert.equal(all.httpProxy, 'http://all:4');
  assert.equal(proxySettingsFromEnv({}).httpsProxy, null);
  assert.equal(proxySettingsFromEnv({ HTTPS_PROXY: '  ' }).httpsProxy, null);
});

test('editor: http.proxy wins over the environment, http.noProxy adds to NO_PROXY, proxySupport off means none', () => {
  const env = { HTTPS_PROXY: 'http://env:1', NO_PROXY: 'env.example' };
  const s = proxySettingsFromEditor({ proxy: 'http://editor:8080', proxyStrictSSL: false, noProxy: ['internal.example'], proxyAuthorization: 'Negotiate abc' }, env);
  assert.equal(s.httpsProxy, 'http://editor:8080');
  assert.equal(s.httpProxy, 'http://editor:8080');
  assert.deepEqual(s.noProxy, ['internal.example', 'env.example']);
  assert.equal(s.strictSSL, false);
  assert.equal(s.authorization, 'Negotiate abc');
  assert.equal(s.source, 'http.proxy');
  // Empty http.proxy: the environment, as VS Code does.
  assert.equal(proxySettingsFromEditor({ proxy: '' }, env).httpsProxy, 'http://env:1');
  assert.equal(proxySettingsFromEditor({ proxy: 'http://editor:8080', proxySupport: 'off' }, env).httpsProxy, null);
});

test('proxy URLs: credentials leave the URL and become Basic authorization; bad schemes are refused', () => {
  const p = parseProxy('http://us%40er:p%3Ass@proxy.example:3128', null);
  assert.ok(p.ok);
  assert.equal(p.endpoint.url, 'http://proxy.example:3128');
  assert.equal(p.endpoint.display, 'http://proxy.example:3128');
  assert.equal(p.endpoint.authorization, `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
  const bare = parseProxy('proxy.example:3128', null);
  assert.ok(bare.ok && bare.endpoint.url === 'http://proxy.example:3128' && bare.endpoint.authorization === null);
  const configured = parseProxy('http://u:p@proxy.example:3128', 'Bearer x');
  assert.ok(configured.ok && configured.endpoint.authorization === 'Bearer x', 'http.proxyAuthorization wins');
  const socks = parseProxy('socks5://proxy.example:1080', null);
  assert.ok(!socks.ok && /socks5 proxies are not supported/.test(socks.message));
  assert.ok(!parseProxy('http://[bad', null).ok);
  // A configured proxy that cannot be used fails the request instead of going around it.
  const r = routeFor(new URL('https://registry.example/v2/'), { ...proxySettingsFromEnv({ HTTPS_PROXY: 'socks5://p:1' }) });
  assert.equal(r.kind, 'invalid');
});

test('NO_PROXY: hosts, domains with or without a dot, ports, IPs, CIDR, IPv6, and *', () => {
  const cases: [string, string[], boolean][] = [
    ['https://registry.example.com/v2/', ['registry.example.com'], true],
    ['https://registry.example.com/v2/', ['example.com'], true],
    ['https://registry.example.com/v2/', ['.example.com'], true],
    ['https://registry.example.com/v2/', ['*.example.com'], true],
    ['https://example.com/v2/', ['.example.com'], true],
    ['https://notexample.com/v2/', ['example.com'], false],
    ['https://registry.example.com/v2/', ['registry.example.com:443'], true],
    ['https://registry.example.com:5000/v2/', ['registry.example.com:443'], false],
    ['https://registry.example.com:5000/v2/', ['registry.example.com:5000'], true],
    ['https://REGISTRY.Example.com/v2/', ['registry.example.com'], true],
    ['https://registry.example.com./v2/', ['registry.example.com'], true],
    ['https://10.1.2.3/v2/', ['10.0.0.0/8'], true],
    ['https://11.1.2.3/v2/', ['10.0.0.0/8'], false],
    ['https://127.0.0.1:5000/v2/', ['127.0.0.1'], true],
    ['https://127.0.0.1:5000/v2/', ['127.0.0.2'], false],
    ['https://[::1]:5000/v2/', ['::1'], true],
    ['https://[::1]:5000/v2/', ['[::1]:5000'], true],
    ['https://[0:0:0:0:0:0:0:1]/v2/', ['::1'], true],
    ['https://[fd00::5]/v2/', ['fd00::/8'], true],
    ['https://[fe80::5]/v2/', ['fd00::/8'], false],
    ['https://anything.example/v2/', ['*'], true],
    ['https://anything.example/v2/', [], false],
  ];
  for (const [url, entries, want] of cases) assert.equal(bypassesProxy(new URL(url), entries), want, `${url} with ${entries.join(',')}`);
  const s = proxySettingsFromEnv({ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'direct.example' });
  assert.equal(routeFor(new URL('https://direct.example/x'), s).kind, 'direct');
  assert.equal(routeFor(new URL('https://other.example/x'), s).kind, 'proxy');
  assert.equal(routeFor(new URL('http://other.example/x'), s).kind, 'direct', 'no HTTP_PROXY: plain http goes direct');
});

test('proxy errors read as such', () => {
  assert.match(describeProxyError(new Error('Proxy response (407) !== 200 when HTTP Tunneling')) ?? '', /authentication \(407\): check the proxy credentials/);
  assert.match(describeProxyError(new Error('Proxy response (401) !== 200 when HTTP Tunneling')) ?? '', /authentication \(401\)/);
  assert.match(describeProxyError(new Error('Proxy response (403) !== 200 when HTTP Tunneling')) ?? '', /refused the connection \(403\)/);
  assert.equal(describeProxyError(new Error('connect ECONNREFUSED')), null);
});
