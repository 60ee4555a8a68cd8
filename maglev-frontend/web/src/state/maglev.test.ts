import { describe, expect, it } from 'vitest';
import capture from '../../../../vpp-api/src/test/resources/vpp-golden/traffic_flow_table.txt?raw';
import { ip46, maglevTable, xxhash } from './maglev';

/** A real VPP's table (vpp-api's copy of ../shared/vpp-golden): its legend and its buckets. */
function captured(): { servers: { address: string; weight: number; active: boolean }[]; buckets: string[] } {
  const text = capture;
  const legend = new Map<number, string>();
  const servers = [];
  for (const m of text.matchAll(/^\s+(\d+): (\S+) weight (\d+) flags 0x(\d+)/gm)) {
    legend.set(Number(m[1]), m[2]);
    servers.push({ address: m[2], weight: Number(m[3]), active: (Number(m[4]) & 1) === 1 });
  }
  const buckets: string[] = Array(1024).fill('');
  for (const m of text.matchAll(/^\s+(\d+):((?:\s+\d+){16})\s*$/gm)) {
    m[2].trim().split(/\s+/).forEach((v: string, i: number) => (buckets[Number(m[1]) + i] = legend.get(Number(v)) ?? ''));
  }
  return { servers, buckets };
}

describe("VPP's Maglev table", () => {
  it("xxhash gives clib_xxhash's reference values", () => {
    expect(xxhash(0n)).toBe(0x6f06f901bfa27892n);
    expect(xxhash(1n)).toBe(0x4a67795370639ba2n);
  });
  it('ip46 puts IPv4 after 12 zero bytes and expands IPv6', () => {
    expect(Array.from(ip46('10.0.0.1'))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1]);
    expect(Array.from(ip46('2001:db8::1'))).toEqual([0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(ip46('::'))).toEqual(Array(16).fill(0));
  });
  it("reproduces a real VPP's table bucket for bucket", () => {
    const c = captured();
    expect(c.servers).toHaveLength(3);
    expect(maglevTable(1024, c.servers)).toEqual(c.buckets);
  });
  it("matches the spec's small examples", () => {
    const two = maglevTable(16, [
      { address: '10.0.0.1', weight: 1, active: true },
      { address: '10.0.0.2', weight: 1, active: true },
    ]);
    expect(two.map((a) => a.slice(-1)).join('')).toBe('2111111112222222');
    const three = maglevTable(
      16,
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address) => ({ address, weight: 100, active: true })),
    );
    expect(three.map((a) => a.slice(-1)).join('')).toBe('2111122223331133');
  });
  it('drops everything without an active AS of weight', () => {
    expect(maglevTable(8, [{ address: '10.0.0.1', weight: 100, active: false }, { address: '10.0.0.2', weight: 0, active: true }])).toEqual(
      Array(8).fill(''),
    );
  });
});
