/** The validators of one version of a file, sent as `ETag` and `Last-Modified`. */
export interface FileValidators {
  /** A weak entity tag built from size and modification time: `W/"<size hex>-<mtime ms hex>"`. */
  readonly etag: string;
  /** The modification time as an HTTP date (whole seconds). */
  readonly lastModified: string;
  /** The modification time in milliseconds, truncated to whole seconds like `lastModified`. */
  readonly modifiedSeconds: number;
}

/**
 * The validators of a file with this size and modification time. The tag is weak: two files
 * of equal size written within the same millisecond share it, which is fine for revalidation
 * but not a byte-for-byte promise.
 *
 * @example
 * ```ts
 * validatorsFor(1024, 1_700_000_000_123).etag; // 'W/"400-18bcfe56bbb"'
 * ```
 */
export function validatorsFor(size: number, mtimeMs: number): FileValidators {
  const ms = Math.floor(mtimeMs);
  return {
    etag: `W/"${size.toString(16)}-${ms.toString(16)}"`,
    lastModified: new Date(ms).toUTCString(),
    modifiedSeconds: Math.floor(ms / 1000) * 1000,
  };
}

/**
 * True when a `GET`/`HEAD` request's conditional headers say the client's copy is current,
 * so a 304 answers it (RFC 9110 §13.2.2): `If-None-Match` decides when present (weak
 * comparison, `*` matches any current file); otherwise `If-Modified-Since` does. An
 * unparsable date is ignored, as the RFC asks.
 */
export function isNotModified(headers: Readonly<Record<string, string>>, validators: FileValidators): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) return matchesAnyTag(ifNoneMatch, validators.etag);
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && validators.modifiedSeconds <= since;
}

function matchesAnyTag(list: string, etag: string): boolean {
  const wanted = opaque(etag);
  for (const raw of list.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || opaque(tag) === wanted) return true;
  }
  return false;
}

/** The quoted part of a tag, so `W/"x"` and `"x"` compare equal (weak comparison). */
function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
