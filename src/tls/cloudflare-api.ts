// Certificate expiry from the Cloudflare API, for hosts that Cloudflare proxies (a Worker's socket cannot reach
// them). GET /zones/{zone_id}/ssl/certificate_packs?status=all, in the documented v4 envelope.
import * as z from "zod";
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
  signal?: AbortSignal;
}

export async function listCertificatePacks(fetchFn: typeof fetch, request: PackRequest): Promise<CertificatePack[]> {
  const packs: CertificatePack[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = `${request.apiUrl.replace(/\/$/, "")}/zones/${encodeURIComponent(request.zoneId)}/ssl/certificate_packs?status=all&per_page=${PER_PAGE}&page=${page}`;
    const response = await fetchFn(url, {
      headers: { authorization: `Bearer ${request.token}`, accept: "application/json" },
      ...(request.signal ? { signal: request.signal } : {}),
    });
    let body: unknown;
    try {
      body = await response.json();
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
    packs.push(...(result ?? []));
    if (page >= (result_info?.total_pages ?? 1)) break;
  }
  return packs;
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
