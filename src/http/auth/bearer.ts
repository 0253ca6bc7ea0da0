/** The token of an `Authorization: Bearer <token>` header, or null for any other shape. */
export function bearerToken(authorization: string | null): string | null {
  return /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? null;
}
