/**
 * Async iteration over paged lists, whatever the list's paging style: a cursor (`nextCursor` + `hasMore`: events,
 * deliveries, batch items), the last item's key (`startingAfter` + `hasMore`: documents), a page number
 * (`nextPage`: history, bills) or the next id (`next`: a batch's recipients).
 *
 *   for await (const doc of client.documents.iterate({ procState: 'S' })) …
 */
export interface PageOf<T, C> {
  items: readonly T[];
  /** where the next page starts; undefined: this was the last page */
  next: C | undefined;
}

/** Items of every page, fetched one page at a time as the loop asks for them. */
export async function* paginate<T, C>(fetchPage: (position: C | undefined) => Promise<PageOf<T, C>>, start?: C): AsyncGenerator<T, void, undefined> {
  let position = start;
  for (;;) {
    const page = await fetchPage(position);
    yield* page.items;
    if (page.next === undefined || page.items.length === 0) return;
    position = page.next;
  }
}

/** A page of a cursor list (events, deliveries, batches): pass `nextCursor` as `cursor` to continue. */
export interface CursorPage<T> {
  data: readonly T[];
  /** returned even for an empty page (events), so a poll keeps its place */
  nextCursor?: string | null;
  hasMore: boolean;
}

/** A cursor page as PageOf. */
export function cursorPage<T>(page: CursorPage<T>): PageOf<T, string> {
  return { items: page.data, next: page.hasMore && page.nextCursor ? page.nextCursor : undefined };
}

/** A numbered page (`{ data, nextPage }`) as PageOf. */
export function numberedPage<T>(page: { data: readonly T[]; nextPage: number | null }): PageOf<T, number> {
  return { items: page.data, next: page.nextPage ?? undefined };
}

export interface FollowOptions {
  /** keep polling for new items after the last page (`events tail --follow`) */
  follow?: boolean;
  /** pause between polls when following, ms (default 2,000) */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** told every cursor a page returns: keep the last to resume from it later (`cursor`) */
  onCursor?: (cursor: string) => void;
}

/**
 * Items of a cursor list, then — when following — the items that appear later, polled with the last cursor.
 * The cursor is returned even for an empty page, so a poll keeps its place; ends when `signal` aborts.
 */
export async function* followCursor<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  options: FollowOptions & { cursor?: string | undefined } = {},
): AsyncGenerator<T, void, undefined> {
  let cursor = options.cursor;
  for (;;) {
    if (options.signal?.aborted) return;
    let page;
    try {
      page = await fetchPage(cursor);
    } catch (err) {
      if (options.signal?.aborted) return; // stopped while a poll was on its way
      throw err;
    }
    yield* page.data;
    if (page.nextCursor) {
      cursor = page.nextCursor;
      options.onCursor?.(cursor);
    }
    if (page.hasMore && page.nextCursor) continue;
    if (!options.follow) return;
    const stop = await pause(options.pollIntervalMs ?? 2000, options.signal);
    if (stop) return;
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
