import type { Frontend } from '../api/types';

/**
 * The flow lookup's form and answer: the 5-tuple as `maglevc show vpp lb flow SRC[:PORT] DST:PORT
 * [tcp|udp]` takes it (IPv6 as [2001:db8::7]:40000), checked here as the dashboard's server checks
 * it (so a typo is named at once, and the server names whatever slips through), and maglevd's
 * answer in words. Pure.
 */

/** maglevd's VPPLBFlow as the dashboard passes it: protobuf JSON, proto field names. */
export interface FlowAnswer {
  vip: {
    prefix: string;
    protocol: string;
    port: number;
    src_ip_sticky: boolean;
    flow_table_length: number;
    frontend: string;
    table_digest: string;
  };
  hash: number;
  bucket: number;
  /** Empty when the VIP has no AS with weight: VPP drops the flow. */
  as_address: string;
  backend: string;
  /** That an existing flow keeps the AS VPP's sticky table gave it. */
  note: string;
}

export type FlowField = 'src' | 'dst' | 'proto';

export type FlowInput =
  | { ok: true; query: string }
  | { ok: false; field: FlowField; error: string };

const SRC_EXPECTED = 'ADDRESS or ADDRESS:PORT, e.g. 198.51.100.7:40000 or [2001:db8::7]:40000, port 0-65535';
const DST_EXPECTED = 'ADDRESS:PORT, e.g. 192.0.2.1:80 or [2001:db8::1]:80, port 0-65535';

/** An IPv4 literal in dotted quad form, each part 0-255 without leading zeros. */
function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** An IPv6 literal (no zone), with an IPv4 tail allowed: at most one "::", eight groups in all. */
function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.split('::').length > 2 || s.includes(':::')) return false;
  let groups = s.split(':');
  const last = groups[groups.length - 1];
  let count = 0;
  if (last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups = groups.slice(0, -1);
    count += 2;
  }
  const compressed = s.includes('::');
  const filled = groups.filter((g) => g !== '');
  if (!filled.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  // empty groups only where the "::" is (also at either end)
  if (!compressed && filled.length !== groups.length) return false;
  if (s.startsWith(':') && !s.startsWith('::')) return false;
  if (s.endsWith(':') && !s.endsWith('::')) return false;
  count += filled.length;
  return compressed ? count <= 7 : count === 8;
}

interface Endpoint {
  address: string;
  v6: boolean;
  port: number | null;
}

/** "192.0.2.1:80", "[2001:db8::1]:80", "192.0.2.1", "[2001:db8::1]" or "2001:db8::1"; null if none. */
export function endpoint(word: string): Endpoint | null {
  let host = word;
  let port: string | null = null;
  if (word.startsWith('[')) {
    const close = word.indexOf(']');
    if (close < 0) return null;
    host = word.slice(1, close);
    const rest = word.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return null;
      port = rest.slice(1);
    }
    if (!isIPv6(host)) return null;
  } else if (word.indexOf(':') >= 0 && word.indexOf(':') === word.lastIndexOf(':')) {
    host = word.slice(0, word.indexOf(':'));
    port = word.slice(word.indexOf(':') + 1);
  }
  const v6 = !isIPv4(host);
  if (v6 && !isIPv6(host)) return null;
  if (port === null) return { address: host, v6, port: null };
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) return null;
  return { address: host, v6, port: Number(port) };
}

/**
 * Checks the form's fields; the query string for /view/api/flow/{maglevd} (or /admin/api/flow/…)
 * when they are fine, else the field that is wrong and what was expected.
 */
export function parseFlowInput(src: string, dst: string, proto: string): FlowInput {
  const s = src.trim();
  const d = dst.trim();
  const p = proto.trim().toLowerCase();
  if (s === '') return { ok: false, field: 'src', error: `client: missing (expected: ${SRC_EXPECTED})` };
  const se = endpoint(s);
  if (se === null) return { ok: false, field: 'src', error: `client: "${s}" (expected: ${SRC_EXPECTED})` };
  if (d === '') return { ok: false, field: 'dst', error: `destination: missing (expected: ${DST_EXPECTED})` };
  const de = endpoint(d);
  if (de === null || de.port === null) {
    return { ok: false, field: 'dst', error: `destination: "${d}" (expected: ${DST_EXPECTED})` };
  }
  if (se.v6 !== de.v6) {
    return { ok: false, field: 'dst', error: `client ${s}, destination ${d} (expected: both IPv4 or both IPv6)` };
  }
  if (p !== '' && p !== 'tcp' && p !== 'udp') {
    return { ok: false, field: 'proto', error: `protocol: "${proto.trim()}" (expected: tcp or udp)` };
  }
  const q = new URLSearchParams({ src: s, dst: d, proto: p === '' ? 'tcp' : p });
  return { ok: true, query: q.toString() };
}

/** The lookup's URL: under /admin/api/ on the admin page (behind its login), else /view/api/. */
export function flowUrl(admin: boolean, maglevd: string, query: string): string {
  return `/${admin ? 'admin' : 'view'}/api/flow/${encodeURIComponent(maglevd)}?${query}`;
}

/** The destinations the page offers: each frontend's address:port (VIPs of all ports left out). */
export function destinations(frontends: Frontend[]): string[] {
  const out: string[] = [];
  for (const f of frontends) {
    if (f.port === 0 || f.address === '') continue;
    const d = f.address.includes(':') ? `[${f.address}]:${f.port}` : `${f.address}:${f.port}`;
    if (!out.includes(d)) out.push(d);
  }
  return out;
}

/** The answer's lines as label and text, in the order maglevc prints them. */
export function flowLines(a: FlowAnswer): [string, string][] {
  const v = a.vip;
  const vip =
    `${v.prefix} ${v.protocol}${v.port === 0 ? '' : `/${v.port}`}` +
    (v.src_ip_sticky ? ' src-ip-sticky' : '') +
    (v.frontend ? ` (frontend ${v.frontend})` : '');
  const as =
    a.as_address === ''
      ? 'none: the VIP has no AS with weight, VPP drops the flow'
      : a.as_address + (a.backend ? ` (backend ${a.backend})` : '');
  return [
    ['vip', vip],
    ['hash', `0x${(a.hash >>> 0).toString(16).padStart(8, '0')}`],
    ['bucket', `${a.bucket} of ${v.flow_table_length}`],
    ['as', as],
    ['table digest', v.table_digest],
    ['note', a.note],
  ];
}
