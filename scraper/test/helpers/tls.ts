/** Self-signed certificates made with openssl at test time (never checked in). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A key and certificate in PEM, and the certificate's file. */
export interface TestCert { key: Buffer; cert: Buffer; certFile: string }

const CA_CONFIG = `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = ./db/index.txt
new_certs_dir = .
serial = ./db/serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[ policy_any ]
commonName = supplied
`;

/**
 * Creates a self-signed certificate for localhost and 127.0.0.1 valid from `start` to `end`
 * (openssl `ca -selfsign` is the openssl 3.0 way to set both dates, which an expired cert needs).
 */
export function makeCert(validity: { start: Date; end: Date }): TestCert {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hlmon-tls-'));
  mkdirSync(path.join(dir, 'db'));
  writeFileSync(path.join(dir, 'db', 'index.txt'), '');
  writeFileSync(path.join(dir, 'db', 'serial'), '01\n');
  writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
  const fmt = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'req.csr', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  run(['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', 'req.csr', '-out', 'cert.pem',
    '-startdate', fmt(validity.start), '-enddate', fmt(validity.end)]);
  const certFile = path.join(dir, 'cert.pem');
  return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(certFile), certFile };
}

/** A certificate that expired in 2020. */
export function expiredCert(): TestCert {
  return makeCert({ start: new Date('2020-01-01T00:00:00Z'), end: new Date('2020-01-02T00:00:00Z') });
}

/** A certificate valid from yesterday for `days` days. */
export function validCert(days = 30): TestCert {
  const start = new Date(Date.now() - 86_400_000);
  return makeCert({ start, end: new Date(start.getTime() + (days + 1) * 86_400_000) });
}
