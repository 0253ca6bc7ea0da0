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

/** What a request and a response both have: headers and a body to read whole or as a stream. */
type Message = { headers: Headers; body: ReadableStream<Uint8Array> | null; arrayBuffer(): Promise<ArrayBuffer> };

/**
 * A message's body (a request to the gateway, a vendor's answer), refused (`tooLarge()`) past
 * `maxBytes`. A declared length over the cap is refused before anything is read. A plain body within it
 * ends there (HTTP framing holds it to that length), so it is read at once, without the stream and its
 * chunk copies. Any other body is counted as it arrives: a chunked one declares no length, and a
 * compressed one's declared length counts the compressed bytes (fetch decompresses an answer, so a
 * small declared length can unpack to any size).
 */
export async function readMessageCapped(message: Message, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const length = message.headers.get("content-length");
  const declared = length === null ? Number.NaN : Number(length);
  if (declared > maxBytes) {
    await message.body?.cancel();
    throw tooLarge();
  }
  const plain = !message.headers.has("transfer-encoding") && (message.headers.get("content-encoding") ?? "identity").toLowerCase() === "identity";
  if (plain && Number.isInteger(declared) && declared >= 0) {
    const bytes = new Uint8Array(await message.arrayBuffer());
    if (bytes.length > maxBytes) throw tooLarge();
    return bytes;
  }
  return readCapped(message.body, maxBytes, tooLarge);
}

const decoder = new TextDecoder();

/** A vendor's answer as text, read as `readMessageCapped` reads it. */
export async function readTextCapped(res: Response, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return decoder.decode(await readMessageCapped(res, maxBytes, tooLarge));
}
