/**
 * Reads a byte stream to its end, or stops as soon as it passes `maxBytes` (then `tooLarge()` is
 * thrown): a declared length can be absent or wrong, so the cap is enforced on what actually arrives.
 */
export async function readCapped(stream: ReadableStream<Uint8Array> | null, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * A vendor's answer as text, refused (`tooLarge()`) past `maxBytes`. A declared length over the cap is
 * refused before reading. A plain body within it ends there, so it is read whole, without the stream and
 * its chunk copies. Any other body is counted as it arrives: a chunked one declares no length, and a
 * compressed one's declared length counts the compressed bytes (fetch decompresses it, so a small
 * declared length can unpack to any size).
 */
export async function readTextCapped(res: Response, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const length = res.headers.get("content-length");
  const declared = length === null ? Number.NaN : Number(length);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const plain = !res.headers.has("transfer-encoding") && (res.headers.get("content-encoding") ?? "identity").toLowerCase() === "identity";
  if (plain && Number.isInteger(declared) && declared >= 0) return res.text();
  return new TextDecoder().decode(await readCapped(res.body, maxBytes, tooLarge));
}
