/**
 * `work`, or `late()` if `ms` pass first. For work an abort signal cannot end: a fetch that ignores its signal, a
 * Durable Object call that hangs, storage that never answers. The timer is cleared as soon as either side wins: a
 * pending one would keep an object awake, and billed.
 */
export async function settleWithin<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cap = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late()), ms);
  });
  try {
    return await Promise.race([work, cap]);
  } finally {
    clearTimeout(timer);
  }
}
