// The HTTP contract every network caller uses. The implementation (transport.ts) is the only importer of undici.

export interface HttpRequest {
  readonly url: string;
  readonly method?: 'GET' | 'HEAD' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body (POST only: the OAuth refresh-token grant for identity tokens). */
  readonly body?: string;
  /** Bodies larger than this are cut off and reported as 'too-large'; never buffered past it. */
  readonly maxBytes: number;
  /** Bodies of 4xx/5xx answers are kept only up to this many bytes (truncated, not an error). Default: maxBytes. */
  readonly maxErrorBytes?: number;
  /** Whole-request deadline, including a slow body. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export type HttpFailureKind = 'unreachable' | 'timeout' | 'too-large' | 'tls' | 'aborted' | 'redirect-refused' | 'insecure-refused' | 'invalid';

export type HttpResult =
  | {
      readonly ok: true;
      readonly status: number;
      /** Lower-case header names. */
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Uint8Array;
      /** The final URL after redirects. */
      readonly url: string;
    }
  | {
      readonly ok: false;
      readonly kind: HttpFailureKind;
      /** Clear, credential-free text for people. */
      readonly message: string;
    };

/** One request. Never throws; follows redirects by hand (never to http from https, never with credentials to another origin). */
export type HttpClient = (req: HttpRequest) => Promise<HttpResult>;
