// AES-256-GCM sealing for secrets kept at rest (TOTP secrets, codes a call must read aloud).
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { SealedSecret } from '../domain/user';
import type { RandomSource } from './random';

export class SecretUnsealError extends Error {
  constructor() {
    super('A stored secret could not be decrypted (wrong key or tampered data)');
    this.name = 'SecretUnsealError';
  }
}

export function sealSecret(key: Buffer, random: RandomSource, plaintext: string, associatedData: string): SealedSecret {
  const iv = random.bytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export function openSecret(key: Buffer, sealed: SealedSecret, associatedData: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnsealError();
  }
}
