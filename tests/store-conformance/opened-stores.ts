/**
 * The fixture both conformance suites take: a store, a way to open the same data again (another
 * connection or handle), and a cleanup that closes every one opened, then runs `after`.
 */

/** What a conformance suite's `open` returns. */
export interface OpenedStores<S> {
  readonly store: S;
  readonly openAgain: () => Promise<S>;
  readonly cleanup: () => Promise<void>;
  readonly filesOnDisk: () => Promise<string[]>;
}

/**
 * Opens a first store with `open` and keeps every store opened (also by `openAgain`) for cleanup.
 *
 * @example
 * describeStoreConformance('sqlite', () => openedStores(() => openSqliteStore(path), tmp.cleanup));
 */
export async function openedStores<S extends { close(): Promise<void> }>(
  open: () => S | Promise<S>,
  after: () => void = () => undefined,
  filesOnDisk: () => Promise<string[]> = () => Promise.resolve([]),
): Promise<OpenedStores<S>> {
  const opened: S[] = [];
  const openAgain = async (): Promise<S> => {
    const store = await open();
    opened.push(store);
    return store;
  };
  return {
    store: await openAgain(),
    openAgain,
    filesOnDisk,
    cleanup: async () => {
      try {
        for (const s of opened) await s.close();
      } finally {
        after();
      }
    },
  };
}
