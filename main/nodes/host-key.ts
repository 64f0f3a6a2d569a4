import { createHash } from 'node:crypto';

/** The SHA-256 fingerprint of a host key, as OpenSSH prints it: "SHA256:" and unpadded base64. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (a length-prefixed string), e.g. "ssh-ed25519". */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  if (length > 64 || blob.length < 4 + length) return 'unknown';
  return blob.subarray(4, 4 + length).toString('ascii');
}
