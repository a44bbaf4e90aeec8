import express from 'express';
import type { AddressInfo } from 'node:net';
import { cidrList, loadConfig } from '@streamgate/config';
import { clientAddress, trustedProxies } from './client-address';

const proxies = (raw: string) => trustedProxies(loadConfig({ P: cidrList({ default: [], description: 'p' }) }, { P: raw }).P);

describe('trustedProxies', () => {
  it('matches CIDRs, names and IPv4-mapped peers; nothing else', () => {
    const trusted = proxies('loopback, 10.0.0.0/8, 2001:db8::/32');
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '10.1.2.3', '2001:db8::7']) expect(trusted(address)).toBe(true);
    for (const address of ['203.0.113.7', '11.0.0.1', '::2', '2001:db9::1', 'unknown', '', '127.0.0.1, 10.0.0.1']) expect(trusted(address)).toBe(false);
    expect(proxies('')('127.0.0.1')).toBe(false);
  });
});

describe('clientAddress', () => {
  const trusted = proxies('loopback, 10.0.0.0/8');

  it('is the peer when the peer is not a trusted proxy, whatever the header says', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.7', trusted)).toBe('198.51.100.9');
    expect(clientAddress('127.0.0.1', '203.0.113.7', () => false)).toBe('127.0.0.1');
    expect(clientAddress(undefined, '203.0.113.7', trusted)).toBe('unknown');
  });

  it('is the rightmost untrusted hop behind trusted proxies', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', '203.0.113.7, 10.0.0.5', trusted)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', ['203.0.113.7', '10.0.0.5'], trusted)).toBe('203.0.113.7');
  });

  it('cannot be spoofed by what the client prepends', () => {
    // The client sent "X-Forwarded-For: 203.0.113.8"; the proxy appended its real address.
    expect(clientAddress('127.0.0.1', '203.0.113.8, 203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', '10.0.0.1, 203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', 'garbage, 203.0.113.7', trusted)).toBe('203.0.113.7');
  });

  it('falls back to the peer, or the leftmost trusted hop, when the header names no one else', () => {
    expect(clientAddress('127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', ' , ', trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '10.0.0.2, 10.0.0.1', trusted)).toBe('10.0.0.2');
  });

  it('agrees with Express req.ip under the same trust function', async () => {
    const app = express();
    app.set('trust proxy', trusted);
    app.get('/', (req, res) => void res.json({ ip: req.ip }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      for (const header of ['203.0.113.7', '203.0.113.8, 203.0.113.7', '10.0.0.2, 10.0.0.1', 'garbage, 10.0.0.3', '']) {
        const res = await fetch(url, { headers: header ? { 'x-forwarded-for': header } : {} });
        expect(((await res.json()) as { ip: string }).ip).toBe(clientAddress('127.0.0.1', header || undefined, trusted));
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
