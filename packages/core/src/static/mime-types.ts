import { extname } from 'node:path';

/** The `content-type` of a file whose extension is not in the table. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const UTF8 = '; charset=utf-8';

/**
 * Extension (lower-case, without the dot) → media type, for the files a web app usually ships.
 * Text types get `charset=utf-8`: static text is assumed to be saved as UTF-8.
 */
const TYPES: Readonly<Record<string, string>> = {
  // Documents and code
  html: `text/html${UTF8}`,
  htm: `text/html${UTF8}`,
  css: `text/css${UTF8}`,
  js: `text/javascript${UTF8}`,
  mjs: `text/javascript${UTF8}`,
  cjs: `text/javascript${UTF8}`,
  json: `application/json${UTF8}`,
  map: `application/json${UTF8}`,
  webmanifest: `application/manifest+json${UTF8}`,
  txt: `text/plain${UTF8}`,
  md: `text/markdown${UTF8}`,
  csv: `text/csv${UTF8}`,
  xml: `application/xml${UTF8}`,
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  // Images
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  // Fonts
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  eot: 'application/vnd.ms-fontobject',
  // Audio and video
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  // Archives
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
};

/**
 * The `content-type` for a file name, from its last extension (case-insensitive);
 * {@link DEFAULT_CONTENT_TYPE} when the extension is unknown or missing.
 *
 * @example
 * ```ts
 * contentTypeFor('app.JS'); // 'text/javascript; charset=utf-8'
 * contentTypeFor('LICENSE'); // 'application/octet-stream'
 * ```
 */
export function contentTypeFor(fileName: string): string {
  const ext = extname(fileName).slice(1).toLowerCase();
  return (Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined) ?? DEFAULT_CONTENT_TYPE;
}
