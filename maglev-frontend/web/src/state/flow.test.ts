import { describe, expect, it } from 'vitest';
import type { Frontend } from '../api/types';
import { destinations, endpoint, type FlowAnswer, flowLines, flowUrl, parseFlowInput } from './flow';

describe('endpoint', () => {
  it.each([
    ['192.0.2.1:80', { address: '192.0.2.1', v6: false, port: 80 }],
    ['192.0.2.1', { address: '192.0.2.1', v6: false, port: null }],
    ['[2001:db8::1]:443', { address: '2001:db8::1', v6: true, port: 443 }],
    ['[2001:db8::1]', { address: '2001:db8::1', v6: true, port: null }],
    ['2001:db8::1', { address: '2001:db8::1', v6: true, port: null }],
    ['::', { address: '::', v6: true, port: null }],
    ['[::ffff:192.0.2.1]:0', { address: '::ffff:192.0.2.1', v6: true, port: 0 }],
    ['1:2:3:4:5:6:7:8', { address: '1:2:3:4:5:6:7:8', v6: true, port: null }],
    ['0.0.0.0:65535', { address: '0.0.0.0', v6: false, port: 65535 }],
  ])('%s', (word, want) => {
    expect(endpoint(word)).toEqual(want);
  });

  it.each([
    '',
    'host.example:80',
    '192.0.2.1:',
    '192.0.2.1:65536',
    '192.0.2.1:-1',
    '192.0.2.1:8o',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3',
    '[192.0.2.1]:80',
    '[2001:db8::1',
    '[2001:db8::1]80',
    '2001:db8::1%eth0',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1:2:3:4:5:6:7',
    '12345::1',
  ])('refuses %j', (word) => {
    expect(endpoint(word)).toBeNull();
  });
});

describe('parseFlowInput', () => {
  it('gives the query the server takes, tcp by default', () => {
    expect(parseFlowInput(' 198.51.100.7:40000 ', '127.0.100.1:8081', '')).toEqual({
      ok: true,
      query: 'src=198.51.100.7%3A40000&dst=127.0.100.1%3A8081&proto=tcp',
    });
    expect(parseFlowInput('[2001:db8::7]:1', '[2001:db8::1]:53', 'UDP')).toEqual({
      ok: true,
      query: 'src=%5B2001%3Adb8%3A%3A7%5D%3A1&dst=%5B2001%3Adb8%3A%3A1%5D%3A53&proto=udp',
    });
  });

  it('names the field that is wrong and what was expected', () => {
    expect(parseFlowInput('', '192.0.2.1:80', 'tcp')).toMatchObject({
      ok: false,
      field: 'src',
      error: expect.stringContaining('client: missing (expected: ADDRESS or ADDRESS:PORT') as unknown,
    });
    expect(parseFlowInput('client.example', '192.0.2.1:80', 'tcp')).toMatchObject({
      field: 'src',
      error: expect.stringContaining('client: "client.example" (expected:') as unknown,
    });
    expect(parseFlowInput('198.51.100.7', '192.0.2.1', 'tcp')).toMatchObject({
      field: 'dst',
      error: expect.stringContaining('destination: "192.0.2.1" (expected: ADDRESS:PORT') as unknown,
    });
    expect(parseFlowInput('198.51.100.7', '', 'tcp')).toMatchObject({ field: 'dst' });
    expect(parseFlowInput('2001:db8::7', '192.0.2.1:80', 'tcp')).toMatchObject({
      field: 'dst',
      error: expect.stringContaining('(expected: both IPv4 or both IPv6)') as unknown,
    });
    expect(parseFlowInput('198.51.100.7', '192.0.2.1:80', 'sctp')).toEqual({
      ok: false,
      field: 'proto',
      error: 'protocol: "sctp" (expected: tcp or udp)',
    });
  });
});

describe('flowUrl', () => {
  it('is under /admin/api/ on the admin page, /view/api/ elsewhere, the name encoded', () => {
    expect(flowUrl(false, 'lb0', 'src=a')).toBe('/view/api/flow/lb0?src=a');
    expect(flowUrl(true, '127.0.0.1:9090', 'src=a')).toBe('/admin/api/flow/127.0.0.1%3A9090?src=a');
  });
});

describe('destinations', () => {
  const f = (address: string, port: number) => ({ address, port }) as Frontend;
  it("offers each frontend's address:port once, IPv6 bracketed, all-ports VIPs left out", () => {
    expect(destinations([f('192.0.2.1', 80), f('2001:db8::1', 443), f('192.0.2.2', 0), f('192.0.2.1', 80)])).toEqual([
      '192.0.2.1:80',
      '[2001:db8::1]:443',
    ]);
  });
});

describe('flowLines', () => {
  const answer: FlowAnswer = {
    vip: {
      prefix: '127.0.100.1/32',
      protocol: 'tcp',
      port: 8081,
      src_ip_sticky: false,
      flow_table_length: 1024,
      frontend: 'web',
      table_digest: '3a8650d08beb7',
    },
    hash: 0xdeadbeef,
    bucket: 751,
    as_address: '127.0.0.2',
    backend: 'nginx0-fra',
    note: 'for a new flow; an existing flow keeps the AS VPP\'s sticky table gave it',
  };

  it('says what maglevc says, line by line', () => {
    expect(flowLines(answer)).toEqual([
      ['vip', '127.0.100.1/32 tcp/8081 (frontend web)'],
      ['hash', '0xdeadbeef'],
      ['bucket', '751 of 1024'],
      ['as', '127.0.0.2 (backend nginx0-fra)'],
      ['table digest', '3a8650d08beb7'],
      ['note', "for a new flow; an existing flow keeps the AS VPP's sticky table gave it"],
    ]);
  });

  it('says when VPP drops the flow, and marks a src-ip-sticky VIP of all ports', () => {
    const lines = flowLines({
      ...answer,
      vip: { ...answer.vip, port: 0, src_ip_sticky: true, frontend: '' },
      hash: 5,
      as_address: '',
      backend: '',
    });
    expect(lines[0]).toEqual(['vip', '127.0.100.1/32 tcp src-ip-sticky']);
    expect(lines[1]).toEqual(['hash', '0x00000005']);
    expect(lines[3]).toEqual(['as', 'none: the VIP has no AS with weight, VPP drops the flow']);
  });
});
