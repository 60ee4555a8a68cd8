import type { MaglevdState, WhoAmI } from './types';
import type { FlowAnswer } from '../state/flow';

/**
 * What a weight change would do to a VIP's buckets: maglevd's PreviewWeightResponse as protobuf
 * JSON (proto field names, defaults printed).
 */
export interface BucketPreview {
  table_length: number;
  moved: number;
  reaches_vpp: boolean;
  reason: string;
  pending: boolean;
  ases: {
    address: string;
    backend: string;
    weight_before: number;
    weight_after: number;
    buckets_before: number;
    buckets_after: number;
  }[];
}

/** The page's base: "/view/" or "/admin/"; the API is read under /view/api either way. */
export const isAdmin = (): boolean => window.location.pathname.startsWith('/admin/');

export async function fetchState(): Promise<MaglevdState[]> {
  const r = await fetch('/view/api/state', { cache: 'no-store' });
  if (!r.ok) {
    throw new Error(`GET /view/api/state: ${r.status}`);
  }
  return (await r.json()) as MaglevdState[];
}

export async function fetchOne(name: string): Promise<MaglevdState> {
  const r = await fetch(`/view/api/state/${encodeURIComponent(name)}`, { cache: 'no-store' });
  if (!r.ok) {
    throw new Error(`GET /view/api/state/${name}: ${r.status}`);
  }
  return (await r.json()) as MaglevdState;
}

/** POSTs an admin action; resolves to maglevd's answer, rejects with its error message. */
export async function adminAction(path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`/admin/api/${path}`, {
    method: 'POST',
    headers: { 'X-Maglev-Admin': '1', 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  const json = (await r.json().catch(() => ({ error: `HTTP ${r.status}` }))) as { error?: string };
  if (!r.ok) {
    throw new Error(json.error ?? `HTTP ${r.status}`);
  }
  return json;
}

/** Who is logged in to /admin/, with the role and the actions it allows. */
export async function fetchWhoAmI(): Promise<WhoAmI> {
  const r = await fetch('/admin/api/whoami', { cache: 'no-store' });
  if (!r.ok) {
    throw new Error(`GET /admin/api/whoami: ${r.status}`);
  }
  return (await r.json()) as WhoAmI;
}

/**
 * A flow lookup at {@code url} (see state/flow.ts): resolves to maglevd's answer, rejects with the
 * error the server or maglevd gave (naming the field that is wrong, for a 400).
 */
export async function lookupFlow(url: string): Promise<FlowAnswer> {
  const r = await fetch(url, { cache: 'no-store' });
  const json = (await r.json().catch(() => ({ error: `HTTP ${r.status}` }))) as { error?: string };
  if (!r.ok) {
    throw new Error(json.error ?? `HTTP ${r.status}`);
  }
  return json as FlowAnswer;
}
