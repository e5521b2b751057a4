import { generateSecret, generateURI, verify } from 'otplib';

/** TOTP (RFC 6238, SHA-1, 6 digits, 30 s) as every authenticator app understands it. */
export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, account: string, issuer: string): string {
  return generateURI({ issuer, label: account, secret });
}

/**
 * Accepts the current code and one step either side (clock drift). `afterStep` is the last step this
 * user has used: a code (or an older one) can never be used twice. Returns the accepted step.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  afterStep: number | null,
): Promise<number | null> {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const result = await verify({
    secret,
    token,
    epochTolerance: 30,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  if (!result.valid) return null;
  const step = (result as { timeStep?: number }).timeStep;
  return typeof step === 'number' ? step : null;
}
