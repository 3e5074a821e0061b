// The verdict on a certificate chain read from a server: expiry, name, and why the runtime refused it if it did.
import type { ProbeStatus } from "../core/vocabulary";
import { equalBytes } from "./bytes";
import { expiryStatus, isoDate } from "./expiry-status";
import { describeCertificateNames, matchesHost } from "./name-match";
import { type Certificate, describeName, isSelfIssued } from "./x509";

export interface AssessInput {
  /** Leaf first, in the order the server sent them. */
  chain: readonly Certificate[];
  /** The name the certificate must be valid for (the SNI name). */
  name: string;
  /** The runtime's verdict; null when it could not be asked. */
  trusted: boolean | null;
  now: number;
  warnDays: number;
  criticalDays: number;
}

export interface Assessment {
  status: ProbeStatus;
  message: string;
  phase?: "expiry" | "name" | "trust";
  daysLeft: number;
}

export function assessCertificate(input: AssessInput): Assessment {
  const leaf = input.chain[0];
  if (!leaf) throw new Error("empty certificate chain");
  const problems: { text: string; phase: NonNullable<Assessment["phase"]> }[] = [];
  const expiry = expiryStatus(leaf.notAfter, input.now, input.warnDays, input.criticalDays);
  const notYetValid = leaf.notBefore.getTime() > input.now;
  if (notYetValid) problems.push({ text: `certificate not valid before ${isoDate(leaf.notBefore)}`, phase: "expiry" });
  if (!matchesHost(input.name, leaf.dnsNames, leaf.ipAddresses)) {
    problems.push({ text: `certificate is for ${describeCertificateNames(input.name, leaf)}, not ${input.name}`, phase: "name" });
  }
  const expired = leaf.notAfter.getTime() <= input.now;
  if (input.trusted === false) {
    // An expired leaf or a wrong name already explains a refusal; then only a self-signed leaf is worth adding.
    const explained = expired || problems.length > 0;
    if (isSelfIssued(leaf)) problems.push({ text: "self-signed certificate", phase: "trust" });
    else if (!explained) problems.push({ text: explainUntrusted(input.chain, input.now) ?? "certificate not trusted", phase: "trust" });
  }

  const parts = expired ? [expiry.message, ...problems.map((p) => p.text)] : [...problems.map((p) => p.text), expiry.message];
  const status: ProbeStatus = problems.length ? "down" : expiry.status;
  const phase = expired ? "expiry" : (problems[0]?.phase ?? expiry.phase);
  return { status, message: parts.join("; "), daysLeft: expiry.daysLeft, ...(phase ? { phase } : {}) };
}

/**
 * Why the runtime refused a chain whose leaf is in date and for the right name, as far as the certificates
 * sent can tell; null when they cannot (an unknown root that was not sent looks like any trusted one).
 */
function explainUntrusted(chain: readonly Certificate[], now: number): string | null {
  const leaf = chain[0]!;
  if (isSelfIssued(leaf)) return "self-signed certificate";
  const used = new Set<number>([0]);
  let current = leaf;
  for (;;) {
    const index = chain.findIndex((c, i) => !used.has(i) && equalBytes(c.subject.raw, current.issuer.raw));
    if (index < 0)
      return current === leaf ? `incomplete chain: issuer ${describeName(leaf.issuer)} not sent by the server and not trusted` : null;
    const issuer = chain[index]!;
    used.add(index);
    if (issuer.notAfter.getTime() <= now)
      return `intermediate certificate ${describeName(issuer.subject)} expired on ${isoDate(issuer.notAfter)}`;
    if (isSelfIssued(issuer)) return `certificate not trusted: root ${describeName(issuer.subject)} is not trusted`;
    current = issuer;
  }
}
