export { ArrayOf, Nested } from './dto/nested.js';
export { coerceStringRecord, type CoerceOptions } from './dto/coerce.js';
export { prepareDto, type PrepareDtoOptions } from './dto/property-types.js';
export { validateDto } from './dto/validate-dto.js';
export type { DtoClass, DtoOptions } from './dto/dto-class.js';
export type { ValidationDetail } from './dto/validation-details.js';
