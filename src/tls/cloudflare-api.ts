// Certificate expiry from the Cloudflare API, for hosts that Cloudflare proxies (a Worker's socket cannot reach
// them). GET /zones/{zone_id}/ssl/certificate_packs?status=all, in the documented v4 envelope.
import * as z from "zod";
import type { Deadline } from "../net/deadline";
import { readBody, send } from "../net/request";
import { matchesHost } from "./name-match";
import { TlsFailure } from "./tls-failure";

export const DEFAULT_API_URL = "https://api.cloudflare.com/client/v4";

// Only the fields read here; the API adds fields and statuses over time, so strings stay strings.
const PackCertificate = z.object({
  id: z.string(),
  hosts: z.array(z.string()),
  status: z.string(),
  expires_on: z.string().optional(),
  issuer: z.string().optional(),
  uploaded_on: z.string().optional(),
});

const CertificatePack = z.object({
  id: z.string(),
  type: z.string(),
  hosts: z.array(z.string()),
  status: z.string(),
  certificate_authority: z.string().optional(),
  certificates: z.array(PackCertificate),
});
export type CertificatePack = z.infer<typeof CertificatePack>;

const Envelope = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.number(), message: z.string() })),
  result: z.array(CertificatePack).nullable().optional(),
  result_info: z.object({ page: z.number(), total_pages: z.number().optional() }).partial().optional(),
});

/** 50 is the API's largest page; a zone with more than 250 packs is far past what a monitor needs. */
const PER_PAGE = 50;
const MAX_PAGES = 5;

export interface PackRequest {
  apiUrl: string;
  zoneId: string;
  token: string;
  limit: Deadline;
}

/** A page of 50 packs is tens of KiB; a body past this is not the API's. */
const MAX_PAGE_BYTES = 1_048_576;

/** Every page of the zone's certificate packs. Throws a TlsFailure that says what went wrong, never the token. */
export async function listCertificatePacks(fetchFn: typeof fetch, request: PackRequest): Promise<CertificatePack[]> {
  const packs: CertificatePack[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { result, totalPages } = await fetchPage(fetchFn, request, page);
    packs.push(...result);
    if (page >= totalPages) break;
  }
  return packs;
}

async function fetchPage(
  fetchFn: typeof fetch,
  request: PackRequest,
  page: number,
): Promise<{ result: CertificatePack[]; totalPages: number }> {
  const url = `${request.apiUrl.replace(/\/$/, "")}/zones/${encodeURIComponent(request.zoneId)}/ssl/certificate_packs?status=all&per_page=${PER_PAGE}&page=${page}`;
  const headers = { authorization: `Bearer ${request.token}`, accept: "application/json" };
  const sent = await send(fetchFn, { url, headers }, request.limit);
  if (!sent.ok) throw new TlsFailure(sent.kind === "timeout" ? "timeout" : "api", unreachable(sent.kind, sent.reason));
  const { response } = sent;
  const read = await readBody(response, MAX_PAGE_BYTES, { url }, request.limit);
  if (!read.ok) throw new TlsFailure(read.kind === "timeout" ? "timeout" : "api", unreachable(read.kind, read.reason));
  let body: unknown;
  try {
    body = JSON.parse(read.text);
  } catch {
    throw new TlsFailure("api", `Cloudflare API answered HTTP ${response.status} without JSON`);
  }
  const parsed = Envelope.safeParse(body);
  if (!parsed.success) throw new TlsFailure("api", `unexpected Cloudflare API response (HTTP ${response.status})`);
  const { success, errors, result, result_info } = parsed.data;
  if (!success || !response.ok) {
    const reason = errors.map((e) => `${e.message} (${e.code})`).join("; ") || "no reason given";
    throw new TlsFailure("api", `Cloudflare API answered HTTP ${response.status}: ${reason}`.slice(0, 200));
  }
  return { result: result ?? [], totalPages: result_info?.total_pages ?? 1 };
}

function unreachable(kind: "timeout" | "connect", reason: string): string {
  return kind === "timeout" ? reason : `Cloudflare API unreachable: ${reason}`;
}

export interface HostCertificate {
  expiresOn: Date;
  issuer: string | null;
  hosts: string[];
  packType: string;
}

/**
 * Certificates of active packs that cover `host`, soonest expiry first. A certificate's own status is not
 * filtered on: an active pack serves its certificates, and one past its date is exactly what must be reported.
 */
export function certificatesFor(packs: readonly CertificatePack[], host: string): HostCertificate[] {
  const found: HostCertificate[] = [];
  for (const pack of packs) {
    if (pack.status !== "active") continue;
    for (const cert of pack.certificates) {
      const hosts = cert.hosts.length ? cert.hosts : pack.hosts;
      const expiresOn = cert.expires_on ? new Date(cert.expires_on) : null;
      if (!expiresOn || Number.isNaN(expiresOn.getTime()) || !matchesHost(host, hosts, [])) continue;
      found.push({ expiresOn, issuer: cert.issuer ?? pack.certificate_authority ?? null, hosts, packType: pack.type });
    }
  }
  return found.sort((a, b) => a.expiresOn.getTime() - b.expiresOn.getTime());
}

/** Statuses of the packs that would cover `host` but are not active, to say why nothing is. */
export function inactivePackStatuses(packs: readonly CertificatePack[], host: string): string[] {
  return [...new Set(packs.filter((p) => p.status !== "active" && matchesHost(host, p.hosts, [])).map((p) => p.status))];
}
