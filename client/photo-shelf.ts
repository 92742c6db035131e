import { newRequestId } from './responder-queue.js';

/**
 * The phone's shelf for a report's photos taken offline (issue 14): each photo's bytes kept in
 * IndexedDB (a Blob; localStorage holds text only and a few MB) under a key of its own, read back
 * when the queued report is sent (responder-photo-queue.ts), removed once uploaded or refused.
 */
export interface PhotoShelf {
  put(photo: Blob): Promise<string>;
  /** The photo, or null when it is gone (storage cleared by the browser or the person). */
  get(key: string): Promise<Blob | null>;
  remove(key: string): Promise<void>;
}

const DATABASE = 'xiaoan-responder';
const STORE = 'photos';

let opening: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
  }).catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

/** One request in its own transaction, as a promise. */
async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  return new Promise<T>((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = act(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error ?? request.error ?? new Error('IndexedDB request failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** The browser's shelf (IndexedDB `xiaoan-responder` / `photos`). */
export const photoShelf: PhotoShelf = {
  async put(photo) {
    const key = newRequestId();
    await run('readwrite', (store) => store.put(photo, key));
    return key;
  },
  async get(key) {
    const value: unknown = await run('readonly', (store) => store.get(key));
    return value instanceof Blob ? value : null;
  },
  async remove(key) {
    await run('readwrite', (store) => store.delete(key));
  },
};
