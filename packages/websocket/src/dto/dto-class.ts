/**
 * A DTO class: a class with a no-argument constructor whose properties carry class-validator
 * decorators. Kindling builds instances of it from request data and validates them.
 *
 * @example
 * ```ts
 * class RoomParams {
 *   @IsString() @Length(1, 64) room_id!: string;
 * }
 * const cls: DtoClass<RoomParams> = RoomParams;
 * ```
 */
export type DtoClass<T> = new () => T;

/** How unknown properties are treated when a DTO is validated. See docs/validation.md. */
export interface DtoOptions {
  /**
   * Strip properties that carry no class-validator decorator, at every nesting level.
   * @default true
   */
  whitelist?: boolean;
  /**
   * Reject properties that carry no class-validator decorator instead of stripping them.
   * Takes effect even when `whitelist` is `false`.
   * @default false
   */
  forbidNonWhitelisted?: boolean;
}
