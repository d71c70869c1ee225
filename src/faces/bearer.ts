/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or undefined. Shared by every face. */
export function bearerOf(authorization: string | undefined): string | undefined {
  return authorization?.toLowerCase().startsWith('bearer ') ? authorization.slice(7).trim() : undefined;
}
