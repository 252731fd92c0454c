import type { DtoOptions } from '@kindling/websocket';

/** A class used as a DTO: instantiable without arguments, decorated with class-validator. */
export type DtoClass<T extends object = object> = new () => T;

/** Per-extractor validation options. @default `{ whitelist: true, forbidNonWhitelisted: false }` */
export type ExtractorDtoOptions = DtoOptions;

/** A readable name for an extractor built from an optional DTO class. */
export function extractorName(kind: string, dto: DtoClass | undefined): string {
  return dto ? `${kind}(${dto.name})` : `${kind}()`;
}
