/**
 * VPP lb 1.2.0's Maglev new-flow table, bucket for bucket (a port of vpp-api's MaglevTable, spec
 * vpp-protocol.md §4.3): every active AS of weight w takes w replicas, ordered by replica number
 * then by the 16-byte ip46 address; each walks its own permutation (offset and skip from VPP's
 * single-u64 xxHash64 of its address and replica) and claims one free bucket per turn.
 */

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const SEED = 0x9e3779b97f4a7c13n;

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;

/** VPP's clib_xxhash of one u64. */
export function xxhash(key: bigint): bigint {
  const k = (rotl((key * P2) & M64, 31n) * P1) & M64;
  let h = ((SEED + P5 + 8n) & M64) ^ k;
  h = (rotl(h, 27n) * P1 + P4) & M64;
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

/** The 16-byte ip46 form of an IPv4 or IPv6 address (IPv4: 12 zero bytes, then its 4). */
export function ip46(address: string): Uint8Array {
  const out = new Uint8Array(16);
  if (!address.includes(':')) {
    address.split('.').forEach((p, i) => (out[12 + i] = Number(p)));
    return out;
  }
  const [head, tail = ''] = address.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = groups(address.includes('::') ? tail : '');
  const all = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  all.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

function littleEndian(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) {
    v = (v << 8n) | BigInt(b[off + i]);
  }
  return v;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}

/** An AS as the table sees it: only active ones with weight > 0 take buckets. */
export interface TableServer {
  address: string;
  weight: number;
  active: boolean;
}

/** The table: bucket to the AS's address, '' where no AS serves (VPP drops). */
export function maglevTable(length: number, servers: TableServer[]): string[] {
  const table: string[] = Array(length).fill('');
  const replicas: { address: string; ip: Uint8Array; r: number; seed: bigint }[] = [];
  for (const s of servers) {
    if (!s.active) continue;
    const ip = ip46(s.address);
    const a = littleEndian(ip, 0) ^ littleEndian(ip, 8);
    for (let r = 0; r < s.weight; r++) {
      replicas.push({ address: s.address, ip, r, seed: xxhash(a ^ BigInt(r)) });
    }
  }
  if (replicas.length === 0) return table;
  replicas.sort((x, y) => x.r - y.r || compareBytes(x.ip, y.ip));
  const mask = BigInt(length - 1);
  const skip = replicas.map((x) => Number(((x.seed & 0xffffffffn) | 1n) & mask));
  const next = replicas.map((x) => Number((x.seed >> 32n) & mask));
  const taken = new Uint8Array(length);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < replicas.length; i++) {
      let b = next[i];
      while (taken[b]) b = (b + skip[i]) & (length - 1);
      taken[b] = 1;
      table[b] = replicas[i].address;
      next[i] = (b + skip[i]) & (length - 1);
      if (++filled === length) return table;
    }
  }
}
