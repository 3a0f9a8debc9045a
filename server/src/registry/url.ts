// URL helpers that keep secrets out of messages.

/** Origin and path only: never userinfo or query strings (signed URLs and token requests carry secrets there). */
export function safeUrl(url: URL | string): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
