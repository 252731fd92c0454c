import { validateDto } from '@kindling/websocket';
import { declaredAsDecorator, isRawMarker, usableAsDecorator, type ExtractorDecorator } from '../decorators/param-decorator.js';
import { InvalidJson, UnsupportedMediaType } from '../errors/rejections.js';
import type { RequestContext } from '../request/request-context.js';
import type { Extractor } from './extractor.js';
import { extractorName, type DtoClass, type ExtractorDtoOptions } from './dto-class.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON request body, for HTTP routes only (an upgrade is a GET without a body; using it on
 * a WebSocket route is a compile error). It must be the last extractor. Wrong content type is a
 * 415, unparsable JSON a 400 `INVALID_JSON`, a DTO that fails validation a 422
 * `VALIDATION_FAILED`, a body over the limit a 413. On a controller, `@Json()` takes the DTO
 * from the declared type (`@Body()` says the same and also serves `@OnMessage` routes).
 *
 * @example
 * ```ts
 * class CreateRoom { @IsString() @Length(1, 64) name!: string; }
 * router.post('/rooms', [Json(CreateRoom)], (body) => Response.created({ name: body.name }));
 * ```
 */
export function Json(raw?: ObjectConstructor): ExtractorDecorator<Extractor<unknown, 'body'>>;
export function Json<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<T, 'body'>>;
export function Json(dto?: DtoClass, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<unknown, 'body'>> {
  if (dto === undefined) return declaredAsDecorator(jsonOf(undefined), 'Json', (cls) => jsonOf(cls));
  return usableAsDecorator(jsonOf(isRawMarker(dto) ? undefined : dto, options));
}

/** The `Json` extractor itself, without the decorator; `@Body()` builds on it. */
export function jsonOf<T extends object>(dto: DtoClass<T> | undefined, options?: ExtractorDtoOptions): Extractor<unknown, 'body'> {
  return {
    name: extractorName('Json', dto, { fromStrings: false }),
    source: 'body',
    async extract(ctx) {
      const value = await readJsonBody(ctx);
      return dto ? validateDto(dto, value, options) : value;
    },
  };
}

/** Reads and parses a JSON body, checking the content type first. */
export async function readJsonBody(ctx: RequestContext): Promise<unknown> {
  const type = ctx.headers['content-type'];
  if (!isJsonContentType(type)) throw new UnsupportedMediaType(type, 'application/json');
  const bytes = await ctx.bytes();
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new InvalidJson('body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidJson(err instanceof Error ? err.message : 'parse error');
  }
}

function isJsonContentType(type: string | undefined): boolean {
  if (!type) return false;
  const mime = (type.split(';', 1)[0] ?? '').trim().toLowerCase();
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}
