/**
 * Parameter decorators for what is not an extractor: the connection, the message, the batch,
 * the body, and any extractor of your own. See docs/controllers.md.
 */
import type { AnyExtractor } from '../extract/extractor.js';
import type { DtoClass } from '../extract/dto-class.js';
import { isRawMarker, paramDecorator, type ParamDecorator } from './param-decorator.js';

/**
 * The `WebSocketConnection`, on `@WebSocket`, `@OnMessage` and `@OnBatch` routes.
 *
 * @example
 * ```ts
 * @WebSocket('/echo') async echo(@Conn() ws: WebSocketConnection) {
 *   for await (const msg of ws) ws.send(msg);
 * }
 * ```
 */
export function Conn(): ParamDecorator {
  return paramDecorator({ kind: 'connection', label: '@Conn()' });
}

/**
 * The message being handled, on `@OnMessage` routes: a `Message` (text or binary), or, when
 * the route parses JSON, the parsed value (the same value `@Body()` gives).
 *
 * @example
 * ```ts
 * @OnMessage('/echo') echo(@Msg() msg: Message) { return msg.type === 'text' ? msg.text : msg.data; }
 * ```
 */
export function Msg(): ParamDecorator {
  return paramDecorator({ kind: 'message', label: '@Msg()' });
}

/**
 * The messages of one flush, in arrival order, on `@OnBatch` routes.
 *
 * @example
 * ```ts
 * @OnBatch('/ingest', { size: 50, timeoutMs: 100 }) ingest(@Batch() msgs: Message[]) { store.add(msgs); }
 * ```
 */
export function Batch(): ParamDecorator {
  return paramDecorator({ kind: 'batch', label: '@Batch()' });
}

/**
 * The request body: on HTTP routes the JSON body (like `Json(Dto)`: 415, 400 or 422 on bad
 * input); on `@OnMessage` routes each message parsed as JSON and validated. The DTO class is
 * the argument or the parameter's declared type; `@Body(Object)` parses without validating.
 *
 * @example
 * ```ts
 * @Post('/rooms') create(@Body() body: CreateRoom) { return Response.created({ name: body.name }); }
 * @OnMessage('/chat') say(@Body() ev: ChatEvent, @Conn() ws: WebSocketConnection) {}
 * ```
 */
export function Body(dto?: DtoClass | ObjectConstructor): ParamDecorator {
  const label = dto === undefined ? '@Body()' : `@Body(${dto.name})`;
  return paramDecorator({ kind: 'body', label, dto: dto === undefined ? undefined : isRawMarker(dto) ? 'raw' : dto });
}

/**
 * Any extractor on a controller parameter, such as one made with `createExtractor`.
 *
 * @example
 * ```ts
 * const CurrentUser = createExtractor('CurrentUser', (ctx) => users.byToken(ctx.header('authorization')));
 * class Me { @Get('/me') me(@Extract(CurrentUser) user: User) { return user; } }
 * ```
 */
export function Extract(extractor: AnyExtractor): ParamDecorator {
  if (!extractor || typeof extractor.extract !== 'function') throw new TypeError('@Extract() takes an extractor (see createExtractor)');
  return paramDecorator({ kind: 'extractor', label: `@Extract(${extractor.name})`, extractor });
}
