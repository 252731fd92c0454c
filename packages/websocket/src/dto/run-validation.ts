import { validate } from 'class-validator';
import { KindlingError } from '../errors/kindling-error.js';
import type { DtoOptions } from './dto-class.js';
import { toValidationDetails, type ValidationDetail } from './validation-details.js';

/**
 * Validates a built DTO instance with class-validator and throws `VALIDATION_FAILED` when
 * anything fails. `preset` holds failures found while building the instance; validator
 * findings for those properties are dropped so each property is reported once.
 */
export async function runValidation(
  instance: object,
  options: DtoOptions,
  status: number | undefined,
  preset: readonly ValidationDetail[] = [],
): Promise<void> {
  const forbid = options.forbidNonWhitelisted ?? false;
  const errors = await validate(instance, {
    // class-validator only checks forbidNonWhitelisted while whitelisting.
    whitelist: (options.whitelist ?? true) || forbid,
    forbidNonWhitelisted: forbid,
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
  });
  if (errors.length === 0 && preset.length === 0) return;
  const reported = new Set(preset.map((d) => d.property));
  const details = [...preset, ...toValidationDetails(errors).filter((d) => !reported.has(d.property))];
  if (details.length > 0) throw new KindlingError('VALIDATION_FAILED', { details, status });
}
