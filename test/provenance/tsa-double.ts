/**
 * A minimal RFC 3161 timestamp authority for tests: answers a TimeStampReq with a TimeStampResp whose token is a CMS
 * SignedData over a TSTInfo, signed by its own TSA certificate (EKU timeStamping) under its own CA. Hand-written
 * DER, test-only; just enough for c2pa-rs to validate the timestamp.
 */
import { createHash, createPrivateKey, sign, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

// --- DER ------------------------------------------------------------------------------------------------------------
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...p: Buffer[]) => tlv(0x30, ...p);
const set = (...p: Buffer[]) => tlv(0x31, ...[...p].sort(Buffer.compare)); // DER: SET OF sorted by encoding
const octets = (b: Buffer) => tlv(0x04, b);
const ctx0 = (...p: Buffer[]) => tlv(0xa0, ...p);
function int(value: number | Buffer): Buffer {
  let b = typeof value === 'number' ? Buffer.from([value]) : value;
  while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
  if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** Top-level children of a DER SEQUENCE, as raw TLVs. */
function children(der: Buffer): Buffer[] {
  const readLen = (at: number): [number, number] => {
    const first = der[at];
    if (first < 0x80) return [first, 1];
    const count = first & 0x7f;
    let n = 0;
    for (let i = 1; i <= count; i++) n = n * 256 + der[at + i];
    return [n, 1 + count];
  };
  const [outerLen, outerHdr] = readLen(1);
  const out: Buffer[] = [];
  for (let at = 1 + outerHdr; at < 1 + outerHdr + outerLen; ) {
    const [n, hdr] = readLen(at + 1);
    out.push(der.subarray(at, at + 1 + hdr + n));
    at += 1 + hdr + n;
  }
  return out;
}

const SHA256 = seq(oid('2.16.840.1.101.3.4.2.1'));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const ID_CT_TSTINFO = '1.2.840.113549.1.9.16.1.4';

export interface TestTsa {
  url: string;
  caPem: string;
  requests: number;
  close(): Promise<void>;
}

export async function startTestTsa(): Promise<TestTsa> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 86400_000 * 30);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Test TSA Root, O=Atelier Tests',
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const tsaKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const tsaCert = await x509.X509CertificateGenerator.create({
    subject: 'CN=Test TSA, O=Atelier Tests',
    issuer: ca.subject,
    publicKey: tsaKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true),
      await x509.SubjectKeyIdentifierExtension.create(tsaKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const tsaKey = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', tsaKeys.privateKey)), format: 'der', type: 'pkcs8' });
  const certDer = Buffer.from(tsaCert.rawData);
  let serial = 1;

  function respond(request: Buffer): Buffer {
    const fields = children(request);
    const messageImprint = fields[1];
    const nonce = fields.slice(2).find((f) => f[0] === 0x02);
    const genTime = new Date().toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
    const tstInfo = seq(
      int(1),
      oid('1.2.3.4.1'),
      messageImprint,
      int(serial++),
      tlv(0x18, Buffer.from(genTime, 'latin1')),
      ...(nonce ? [nonce] : []),
    );
    const attrs = [
      seq(oid('1.2.840.113549.1.9.3'), set(oid(ID_CT_TSTINFO))),
      seq(oid('1.2.840.113549.1.9.4'), set(octets(createHash('sha256').update(tstInfo).digest()))),
      seq(oid('1.2.840.113549.1.9.16.2.47'), set(seq(seq(seq(octets(createHash('sha256').update(certDer).digest())))))),
    ];
    const signedAttrs = set(...attrs);
    const signature = sign('sha256', signedAttrs, tsaKey); // CMS carries ECDSA as DER
    const signerInfo = seq(
      int(1),
      seq(Buffer.from(tsaCert.issuerName.toArrayBuffer()), int(Buffer.from(tsaCert.serialNumber, 'hex'))),
      SHA256,
      Buffer.concat([Buffer.from([0xa0]), signedAttrs.subarray(1)]), // [0] IMPLICIT SET OF Attribute
      ECDSA_SHA256,
      octets(signature),
    );
    const signedData = seq(
      int(3),
      set(SHA256),
      seq(oid(ID_CT_TSTINFO), ctx0(octets(tstInfo))),
      ctx0(certDer),
      set(signerInfo),
    );
    const token = seq(oid('1.2.840.113549.1.7.2'), ctx0(signedData));
    return seq(seq(int(0)), token);
  }

  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      try {
        const body = respond(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': body.length }).end(body);
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caPem: ca.toString('pem') + '\n',
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
