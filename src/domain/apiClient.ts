// A relying system (portal, VPN, RADIUS bridge) that may call the verification API: the record the stores keep.
// Only a keyed hash of its secret is stored; src/security/apiClientCredentials.ts issues and checks the secret.

export interface ApiClient {
  readonly id: string;
  readonly name: string;
  readonly secretHash: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}
