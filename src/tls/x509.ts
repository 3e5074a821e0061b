// Reads the fields of an X.509 certificate that a monitor reports; signatures are not checked here
// (the runtime's own TLS decides trust, see trust-check.ts).
import { DecodeError, equalBytes, toHex } from "./bytes";
import { type DerNode, DerTag, decodeOid, decodeString, decodeTime, derChildren, expectTag, parseDer } from "./der";
import { formatIp } from "../config/ip-address";

export interface CertificateName {
  commonName: string | null;
  organization: string | null;
  /** The encoded Name, for comparing an issuer with a subject the way path building does. */
  raw: Uint8Array;
}

export interface Certificate {
  der: Uint8Array;
  /** Upper-case hex without leading zero bytes, as OpenSSL and node:crypto print it. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  subject: CertificateName;
  issuer: CertificateName;
  dnsNames: string[];
  /** IP address SANs in text form. */
  ipAddresses: string[];
  /** `RSA-2048`, `EC P-256`, `Ed25519`, ... */
  keyType: string;
  isCa: boolean;
}

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  rsa: "1.2.840.113549.1.1.1",
  rsaPss: "1.2.840.113549.1.1.10",
  ec: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  dsa: "1.2.840.10040.4.1",
} as const;

const CURVES: Record<string, string> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
  "1.3.132.0.10": "secp256k1",
};

export function parseCertificate(der: Uint8Array): Certificate {
  const [tbsNode] = derChildren(expectTag(parseDer(der), DerTag.sequence, "Certificate"));
  const tbs = derChildren(expectTag(tbsNode, DerTag.sequence, "TBSCertificate"));
  // The version field is an explicit [0] and absent for v1 certificates.
  const fields = tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs;
  const [serialNode, , issuerNode, validityNode, subjectNode, spkiNode, ...rest] = fields;
  const [notBefore, notAfter] = derChildren(expectTag(validityNode, DerTag.sequence, "Validity"));
  if (!notBefore || !notAfter) throw new DecodeError("Validity needs two times");

  const cert: Certificate = {
    der,
    serial: serialHex(expectTag(serialNode, DerTag.integer, "serialNumber").value),
    notBefore: decodeTime(notBefore),
    notAfter: decodeTime(notAfter),
    issuer: parseName(expectTag(issuerNode, DerTag.sequence, "issuer Name")),
    subject: parseName(expectTag(subjectNode, DerTag.sequence, "subject Name")),
    dnsNames: [],
    ipAddresses: [],
    keyType: describeKey(expectTag(spkiNode, DerTag.sequence, "SubjectPublicKeyInfo")),
    isCa: false,
  };
  const extensions = rest.find((node) => node.tag === 0xa3);
  if (extensions) readExtensions(derChildren(extensions)[0], cert);
  return cert;
}

/** True when the certificate names itself as its issuer (a root, or a self-signed leaf). */
export function isSelfIssued(cert: Certificate): boolean {
  return equalBytes(cert.subject.raw, cert.issuer.raw);
}

/** `CN=..., O=...`: the parts of a Name people recognise. */
export function describeName(name: CertificateName): string {
  const parts = [name.commonName && `CN=${name.commonName}`, name.organization && `O=${name.organization}`].filter(Boolean);
  return parts.length ? parts.join(", ") : "(empty name)";
}

/** SHA-256 of the DER, colon-separated upper-case hex, the form browsers and node:crypto show. */
export async function fingerprintSha256(der: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", der)), ":");
}

function serialHex(value: Uint8Array): string {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  return toHex(value.subarray(start));
}

function parseName(node: DerNode): CertificateName {
  const name: CertificateName = { commonName: null, organization: null, raw: node.raw };
  for (const rdn of derChildren(node)) {
    for (const attribute of derChildren(rdn)) {
      const [type, value] = derChildren(attribute);
      if (!type || !value) continue;
      const oid = decodeOid(expectTag(type, DerTag.oid, "attribute type").value);
      // With several CNs (rare) the last one is the most specific, as RFC 6125 clients read it.
      if (oid === OID.commonName) name.commonName = decodeString(value);
      else if (oid === OID.organization && name.organization === null) name.organization = decodeString(value);
    }
  }
  return name;
}

function describeKey(spki: DerNode): string {
  const [algorithm, key] = derChildren(spki);
  const [oidNode, params] = derChildren(expectTag(algorithm, DerTag.sequence, "AlgorithmIdentifier"));
  const oid = decodeOid(expectTag(oidNode, DerTag.oid, "algorithm").value);
  if (oid === OID.rsa || oid === OID.rsaPss) {
    // The BIT STRING starts with its count of unused bits, then holds RSAPublicKey { modulus, exponent }.
    const bits = expectTag(key, DerTag.bitString, "subjectPublicKey").value.subarray(1);
    const [modulus] = derChildren(parseDer(bits));
    return `RSA-${bitLength(expectTag(modulus, DerTag.integer, "modulus").value)}`;
  }
  if (oid === OID.ec) {
    const curve = params?.tag === DerTag.oid ? decodeOid(params.value) : "";
    return `EC ${CURVES[curve] ?? (curve || "explicit curve")}`;
  }
  if (oid === OID.ed25519) return "Ed25519";
  if (oid === OID.ed448) return "Ed448";
  if (oid === OID.dsa) return "DSA";
  return `unknown (${oid})`;
}

function bitLength(integer: Uint8Array): number {
  let i = 0;
  while (i < integer.length && integer[i] === 0) i++;
  if (i === integer.length) return 0;
  return (integer.length - i) * 8 - Math.clz32(integer[i]!) + 24;
}

function readExtensions(list: DerNode | undefined, cert: Certificate): void {
  for (const extension of derChildren(expectTag(list, DerTag.sequence, "Extensions"))) {
    const parts = derChildren(extension);
    const oid = decodeOid(expectTag(parts[0], DerTag.oid, "extnID").value);
    const value = parts[parts.length - 1];
    if (!value || value.tag !== DerTag.octetString) continue;
    if (oid === OID.subjectAltName) {
      for (const name of derChildren(parseDer(value.value))) {
        // GeneralName is implicitly tagged: [2] dNSName (IA5String), [7] iPAddress (OCTET STRING).
        if (name.tag === 0x82) cert.dnsNames.push(decodeString({ ...name, tag: DerTag.ia5String }));
        else if (name.tag === 0x87) cert.ipAddresses.push(formatIp(name.value));
      }
    } else if (oid === OID.basicConstraints) {
      const [ca] = derChildren(parseDer(value.value));
      cert.isCa = ca?.tag === DerTag.boolean && ca.value[0] !== 0;
    }
  }
}
