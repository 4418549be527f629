import { decode, type RestClient } from '../rest-client.ts';
import { TandemError } from '../tandem-error.ts';
import type { StoredFile } from './chat-types.ts';

/** Upload progress: bytes sent of the total (total 0 when unknown). */
export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

/** Options of {@link uploadFile}. */
export interface UploadOptions {
  /** Called as bytes leave (browsers only; in Node it is called once at the end). */
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload. */
  readonly signal?: AbortSignal;
  /** Cookie policy (default `same-origin`). */
  readonly credentials?: 'omit' | 'same-origin' | 'include';
}

/** The part of the browser's XMLHttpRequest an upload uses (the SDK builds without DOM types). */
interface UploadRequest {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: FormData): void;
  abort(): void;
  withCredentials: boolean;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

/**
 * Uploads a file to `POST /files` (multipart field `file`) and resolves with the stored file. Uses
 * XMLHttpRequest where it exists, since only it reports upload progress, and `fetch` otherwise.
 */
export async function uploadFile(api: RestClient, workspaceId: string, file: Blob, name: string, options: UploadOptions = {}): Promise<StoredFile> {
  const url = api.url('/files', { workspace_id: workspaceId });
  const headers = await api.headers();
  const form = new FormData();
  form.append('file', file, name);
  const XHR = (globalThis as { XMLHttpRequest?: new () => UploadRequest }).XMLHttpRequest;
  if (!XHR) {
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body: form, signal: options.signal, credentials: options.credentials ?? 'same-origin' });
    } catch (err) {
      throw new TandemError('unavailable', `Could not upload: ${(err as Error)?.message ?? err}`);
    }
    const stored = (await decode(response)) as StoredFile;
    options.onProgress?.({ loaded: file.size, total: file.size });
    return stored;
  }
  return new Promise<StoredFile>((resolve, reject) => {
    const xhr = new XHR();
    xhr.open('POST', url);
    xhr.withCredentials = options.credentials === 'include';
    for (const [key, value] of Object.entries(headers)) xhr.setRequestHeader(key, value);
    xhr.upload.onprogress = (event) => options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0 });
    xhr.onerror = () => reject(new TandemError('unavailable', 'Could not upload: the connection failed.'));
    xhr.onabort = () => reject(new TandemError('unavailable', 'The upload was cancelled.'));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': 'application/json' } });
      decode(response).then((body) => resolve(body as StoredFile), reject);
    };
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
