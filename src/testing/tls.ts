import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** PEM files for mutual TLS on loopback, made by {@link createTestCertificates}. */
export interface TestCertificates {
  /** The CA certificate that signed both others; the daemon's `tcp_tls_ca` and the client's `ca`. */
  ca: string;
  /** The CA's key, to sign more certificates. */
  caKey: string;
  /** The daemon's certificate (`tcp_tls_cert`), for 127.0.0.1, ::1 and localhost. */
  serverCert: string;
  serverKey: string;
  /** A client certificate the daemon accepts. */
  clientCert: string;
  clientKey: string;
}

async function openssl(...args: string[]): Promise<void> {
  await run("openssl", args, { timeout: 30_000 });
}

/** A P-256 key and a certificate for it, signed by `ca` (or self-signed when `ca` is absent). */
async function issue(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
  ca?: { cert: string; key: string },
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, `${extensions}\n`);
  const keyArgs = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key];
  if (!ca) {
    await openssl(
      "req",
      "-x509",
      ...keyArgs,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      subject,
      "-extensions",
      "v3",
      "-config",
      await caConfig(dir, extensions),
    );
  } else {
    const csr = join(dir, `${name}.csr`);
    await openssl("req", ...keyArgs, "-out", csr, "-subj", subject);
    await openssl(
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      ca.cert,
      "-CAkey",
      ca.key,
      "-CAcreateserial",
      "-out",
      cert,
      "-days",
      "2",
      "-extfile",
      ext,
    );
    await rm(csr, { force: true });
  }
  await rm(ext, { force: true });
  return { cert, key };
}

async function caConfig(dir: string, extensions: string): Promise<string> {
  const path = join(dir, "ca.cnf");
  await writeFile(path, `[req]\ndistinguished_name = dn\n[dn]\n[v3]\n${extensions}\n`);
  return path;
}

/**
 * Makes a fresh CA, a server certificate for loopback and a client certificate, with openssl, in
 * `dir` (created if missing; keys are 0600 as openssl writes them). For tests of containerd's TCP
 * listener with mutual TLS; a second call in another directory gives an unrelated CA, e.g. for a
 * client certificate the daemon must refuse.
 */
export async function createTestCertificates(dir: string): Promise<TestCertificates> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await issue(
    dir,
    "ca",
    "/CN=containerd-sdk test CA",
    "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign",
  );
  const server = await issue(
    dir,
    "server",
    "/CN=containerd",
    "subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost\nextendedKeyUsage = serverAuth",
    ca,
  );
  const client = await issue(dir, "client", "/CN=containerd-sdk client", "extendedKeyUsage = clientAuth", ca);
  await rm(join(dir, "ca.cnf"), { force: true });
  return {
    ca: ca.cert,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
  };
}
