import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveStaticPath } from './static-files';

const root = '/srv/app';

describe('resolveStaticPath', () => {
  it.each([
    ['/', join(root, 'index.html')],
    ['/index.html', join(root, 'index.html')],
    ['/assets/index-abc.js', join(root, 'assets/index-abc.js')],
    ['/assets/a%20b.css', join(root, 'assets/a b.css')],
    ['/../etc/passwd', null],
    ['/%2e%2e/etc/passwd', null],
    ['/assets/..%2f..%2fsecret', null],
    ['/a%5c..%5csecret', null],
    ['/x%00.js', null],
    ['/%E0%A4%A', null],
  ])('%s -> %s', (pathname, expected) => {
    expect(resolveStaticPath(root, pathname)).toBe(expected);
  });
});

describe('content types', () => {
  it.each([['a.js', /javascript/], ['a.css', /css/], ['a.woff2', /woff2/], ['a.wasm', /wasm/], ['a.bin', /octet-stream/]])('%s', (file, type) => {
    expect(contentTypeFor(file)).toMatch(type);
  });
});

describe('Content-Security-Policy', () => {
  it('renderer/index.html carries the same policy as the header, minus frame-ancestors', () => {
    const html = readFileSync(join(__dirname, '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const header = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(meta).toBe(header);
  });

  it('allows no inline or eval script and no remote connections', () => {
    const script = /script-src ([^;]+)/.exec(CONTENT_SECURITY_POLICY)?.[1] ?? '';
    expect(script).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/connect-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
  });
});
