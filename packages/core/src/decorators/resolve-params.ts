import type { AnyExtractor } from '../extract/extractor.js';
import type { DtoClass } from '../extract/dto-class.js';
import { jsonOf } from '../extract/json.js';
import { declaredDtoClass, isDtoClass } from './declared-types.js';
import type { MethodMeta, ParamSource, RouteSpec } from './metadata.js';

/** What the route receives after the extractors' values, in order. */
const EXTRAS = {
  http: [],
  websocket: ['connection'],
  message: ['connection', 'message'],
  batch: ['connection', 'batch'],
  event: ['connection', 'message'],
} as const satisfies Record<RouteSpec['kind'], readonly string[]>;

const ROUTE_NOUN: Record<RouteSpec['kind'], string> = {
  http: 'an HTTP route',
  websocket: 'a @WebSocket route',
  message: 'an @OnMessage route',
  batch: 'an @OnBatch route',
  event: 'an @OnEvent route',
};

/** A method's parameters turned into a route's extractors and an argument map. */
export interface ResolvedParams {
  /** The route's extractors: in parameter order, with a body extractor moved last. */
  readonly extractors: readonly AnyExtractor[];
  /**
   * For each method parameter, its index in the handler's arguments (the extractors' values,
   * then the connection and the message or batch).
   */
  readonly slots: readonly number[];
  /** The class `@Body()` asks to validate each message (or event's data) against (`'raw'`: parse only). */
  readonly messageBody: DtoClass | 'raw' | undefined;
}

type Entry = { readonly extractor: AnyExtractor } | { readonly extra: 'connection' | 'message' | 'batch' };

/**
 * Resolves every parameter of `method` for the route `spec`: each must carry exactly one
 * decorator that the route kind supports, and DTO classes left out come from the declared
 * types. Errors name the method and the parameter index.
 */
export function resolveParams(method: MethodMeta, spec: RouteSpec, declared: readonly unknown[] | undefined, arity: number, where: string): ResolvedParams {
  const count = Math.max(arity, declared?.length ?? 0, ...[...method.params.keys()].map((i) => i + 1));
  const entries: Entry[] = [];
  let messageBody: DtoClass | 'raw' | undefined;
  for (let index = 0; index < count; index++) {
    const source = method.params.get(index);
    if (!source) {
      throw new TypeError(`${where}: parameter ${index} has no decorator; every parameter of a route method needs one (@Query(), @Conn(), ...)`);
    }
    const entry = resolveOne(source, spec, declared, index, where);
    if ('body' in entry) {
      messageBody = checkSameBody(messageBody, entry.body, where);
      entries.push({ extra: 'message' });
    } else {
      entries.push(entry);
    }
  }
  // The body can be read once, after everything else: extractors run in list order, so a body
  // extractor goes last whatever its parameter's position.
  const extractors = [
    ...entries.flatMap((e) => ('extractor' in e && e.extractor.source !== 'body' ? [e.extractor] : [])),
    ...entries.flatMap((e) => ('extractor' in e && e.extractor.source === 'body' ? [e.extractor] : [])),
  ];
  const extras: readonly string[] = EXTRAS[spec.kind];
  const slots = entries.map((e) => ('extractor' in e ? extractors.indexOf(e.extractor) : extractors.length + extras.indexOf(e.extra)));
  return { extractors, slots, messageBody };
}

function resolveOne(
  source: ParamSource,
  spec: RouteSpec,
  declared: readonly unknown[] | undefined,
  index: number,
  where: string,
): Entry | { readonly body: DtoClass | 'raw' } {
  const refuse = (what: string) => new TypeError(`${where}: parameter ${index} (${source.label}) ${what}; ${spec.label} declares ${ROUTE_NOUN[spec.kind]}`);
  switch (source.kind) {
    case 'extractor':
      return { extractor: source.extractor };
    case 'declared':
      return { extractor: source.build(declaredDtoClass(declared, index, where, source.label)) };
    case 'body': {
      if (spec.kind === 'websocket' || spec.kind === 'batch') {
        throw refuse('reads a body, which only HTTP and @OnMessage routes have (an upgrade is a GET without one)');
      }
      if (spec.kind === 'http') {
        const dto = source.dto ?? declaredDtoClass(declared, index, where, source.label);
        return { extractor: dto === 'raw' ? jsonBody() : jsonBody(dto) };
      }
      const option = spec.kind === 'event' ? spec.options.dto : spec.options.json === true ? 'raw' : spec.options.json;
      if (option === undefined) return { body: source.dto ?? declaredDtoClass(declared, index, where, source.label) };
      const type = declared?.[index];
      const asked = source.dto ?? (isDtoClass(type) ? type : option);
      if (asked !== option) {
        const via = spec.kind === 'event' ? 'its dto option' : 'its json option';
        throw new TypeError(
          `${where}: parameter ${index} (${source.label}) asks for ${nameOf(asked)} but ${spec.label} parses messages as ${nameOf(option)} (${via})`,
        );
      }
      return { body: option };
    }
    case 'connection':
      if (spec.kind === 'http') throw refuse('is only available on WebSocket routes');
      return { extra: 'connection' };
    case 'message':
      if (spec.kind !== 'message') throw refuse('is only available on @OnMessage routes');
      return { extra: 'message' };
    case 'batch':
      if (spec.kind !== 'batch') throw refuse('is only available on @OnBatch routes');
      return { extra: 'batch' };
  }
}

function jsonBody(dto?: DtoClass): AnyExtractor {
  return jsonOf(dto);
}

function checkSameBody(earlier: DtoClass | 'raw' | undefined, next: DtoClass | 'raw', where: string): DtoClass | 'raw' {
  if (earlier !== undefined && earlier !== next) {
    throw new TypeError(`${where}: two @Body() parameters ask for different message types (${nameOf(earlier)} and ${nameOf(next)})`);
  }
  return next;
}

function nameOf(body: DtoClass | 'raw'): string {
  return body === 'raw' ? 'Object' : body.name;
}
