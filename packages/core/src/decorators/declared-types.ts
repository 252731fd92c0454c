import 'reflect-metadata';
import type { DtoClass } from '../extract/dto-class.js';

// What `design:paramtypes` holds for types that are not a DTO class: interfaces, type aliases,
// `unknown`/`any` and type-only imports all become Object; primitives become their wrappers.
const NOT_A_DTO = new Set<unknown>([
  Object,
  Function,
  String,
  Number,
  Boolean,
  Symbol,
  BigInt,
  Array,
  Promise,
  Map,
  Set,
  Date,
  RegExp,
  Error,
  Uint8Array,
  ArrayBuffer,
]);

/**
 * The parameter types the compiler recorded for a decorated method, or `undefined` when it
 * emitted no decorator metadata (esbuild, tsx, vitest, or `emitDecoratorMetadata: false`).
 */
export function declaredParamTypes(prototype: object, method: string): readonly unknown[] | undefined {
  const types: unknown = Reflect.getOwnMetadata('design:paramtypes', prototype, method);
  return Array.isArray(types) ? types : undefined;
}

/**
 * The DTO class declared for parameter `index`, or a start-up error that names the method,
 * the parameter and the way out.
 */
export function declaredDtoClass(types: readonly unknown[] | undefined, index: number, where: string, label: string): DtoClass {
  const name = label.replace(/\(\)$/, '');
  const fix = `pass the class, as in ${name}(MyDto), or ${name}(Object) for the unvalidated value`;
  if (types === undefined) {
    throw new TypeError(
      `${where}: parameter ${index} (${label}) has no known type: the compiler emitted no decorator metadata ` +
        `(esbuild, tsx and vitest never do; tsc needs "emitDecoratorMetadata": true). To fix it, ${fix}.`,
    );
  }
  const type = types[index];
  if (!isDtoClass(type)) {
    const shown = typeof type === 'function' ? type.name : String(type);
    throw new TypeError(
      `${where}: parameter ${index} (${label}) is declared as ${shown}, not a DTO class (interfaces, type aliases, ` +
        `primitives and classes imported with \`import type\` all look like this). To fix it, ${fix}.`,
    );
  }
  return type;
}

/** True when a declared type is a class that can serve as a DTO (not Object, String, ...). */
export function isDtoClass(type: unknown): type is DtoClass {
  return typeof type === 'function' && !NOT_A_DTO.has(type);
}
