import { prepareDto, type DtoOptions } from '@kindling/websocket';

/** A class used as a DTO: instantiable without arguments, decorated with class-validator. */
export type DtoClass<T extends object = object> = new () => T;

/** Per-extractor validation options. @default `{ whitelist: true, forbidNonWhitelisted: false }` */
export type ExtractorDtoOptions = DtoOptions;

/**
 * Names an extractor built from an optional DTO class, and checks the class now: a DTO that
 * cannot work (a nested property whose class is unknown; for a DTO built from strings, a
 * property whose type only decorator metadata could tell) is an error when the route is
 * declared, not a 500 on the first request.
 */
export function extractorName(kind: string, dto: DtoClass | undefined, options: { fromStrings: boolean }): string {
  if (!dto) return `${kind}()`;
  try {
    prepareDto(dto, options);
  } catch (err) {
    throw new TypeError(`${kind}(${dto.name}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return `${kind}(${dto.name})`;
}
