export interface CappedBody {
  text: string;
  truncated: boolean;
}

export interface CappedBytes {
  bytes: Uint8Array;
  truncated: boolean;
}

/**
 * A body that says its length, within the cap, and is not compressed: the runtime reads it whole, natively, without
 * a JavaScript loop over its chunks (most of a small health answer's reading cost). HTTP framing ends the body at
 * that length; a compressed one could inflate past the cap, so it takes the loop.
 */
function fitsWhole(response: Response, maxBytes: number): boolean {
  const length = response.headers.get("content-length");
  const encoding = response.headers.get("content-encoding");
  return length !== null && /^\d{1,9}$/.test(length) && Number(length) <= maxBytes && (!encoding || encoding === "identity");
}

/** Reads at most `maxBytes` of a body and cancels the rest, so a huge or endless body cannot stall the tick. */
export async function readCapped(response: Response, maxBytes: number): Promise<CappedBody> {
  if (fitsWhole(response, maxBytes)) return { text: await response.text(), truncated: false };
  const { bytes, truncated } = await readStream(response.body, maxBytes);
  return { text: new TextDecoder().decode(bytes), truncated };
}

/** The same, as bytes: for binary answers (a DNS message). */
export async function readCappedBytes(response: Response, maxBytes: number): Promise<CappedBytes> {
  if (fitsWhole(response, maxBytes)) return { bytes: new Uint8Array(await response.arrayBuffer()), truncated: false };
  return readStream(response.body, maxBytes);
}

async function readStream(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<CappedBytes> {
  if (!body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}
