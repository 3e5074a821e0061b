export interface CappedBody {
  text: string;
  truncated: boolean;
}

export interface CappedBytes {
  bytes: Uint8Array;
  truncated: boolean;
}

/** Reads at most `maxBytes` of a body and cancels the rest, so a huge or endless body cannot stall the tick. */
export async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<CappedBody> {
  const { bytes, truncated } = await readCappedBytes(body, maxBytes);
  return { text: new TextDecoder().decode(bytes), truncated };
}

/** The same, as bytes: for binary answers (a DNS message). */
export async function readCappedBytes(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<CappedBytes> {
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
