import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsBoolean, IsDate, IsInt, IsNumber, IsOptional, IsString, Min } from 'class-validator';
import { KindlingError } from '../errors/kindling-error.js';
import { coerceStringRecord } from './coerce.js';

function stripDesignTypes(cls: { prototype: object }, keys: readonly string[]): void {
  for (const key of keys) {
    assert.ok(Reflect.hasOwnMetadata('design:type', cls.prototype, key), `compiler emitted design:type for ${key}`);
    Reflect.deleteMetadata('design:type', cls.prototype, key);
  }
}

function defineQuery() {
  class Query {
    @IsInt() @Min(1) page!: number;
    @IsOptional() @IsNumber() ratio?: number;
    @IsOptional() @IsBoolean() active?: boolean;
    @IsOptional() @IsString({ each: true }) tag?: string[];
    @IsOptional() @IsInt({ each: true }) ids?: number[];
    @IsOptional() @IsDate() since?: Date;
    @IsOptional() @IsString() q?: string;
  }
  return Query;
}
const QUERY_KEYS = ['page', 'ratio', 'active', 'tag', 'ids', 'since', 'q'];

/** Resolves to the VALIDATION_FAILED error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<KindlingError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KindlingError, 'rejects with a KindlingError');
    assert.equal(err.code, 'VALIDATION_FAILED');
    return err;
  }
  assert.fail('expected a validation failure');
}

const WithMetadata = defineQuery();
const WithoutMetadata = defineQuery();
stripDesignTypes(WithoutMetadata, QUERY_KEYS);

for (const [label, Query] of [
  ['with design:type', WithMetadata],
  ['without design:type', WithoutMetadata],
] as const) {
  describe(`coerceStringRecord ${label}`, () => {
    it('converts numbers and returns an instance of the class', async () => {
      const q = await coerceStringRecord(Query, { page: '12', ratio: '-1.5' });
      assert.ok(q instanceof Query);
      assert.equal(q.page, 12);
      assert.equal(q.ratio, -1.5);
      assert.equal((await coerceStringRecord(Query, { page: '1', ratio: '2e3' })).ratio, 2000);
    });

    for (const bad of ['', 'abc', '0x10', ' 5', 'Infinity', '1.5.2']) {
      it(`leaves ${JSON.stringify(bad)} a string so the number validator rejects it`, async () => {
        const err = await failure(coerceStringRecord(Query, { page: bad }));
        assert.equal(err.status, 400);
        assert.deepEqual(err.details, [
          {
            property: 'page',
            constraints: { min: 'page must not be less than 1', isInt: 'page must be an integer number' },
            value: bad,
          },
        ]);
      });
    }

    it('converts booleans', async () => {
      for (const [raw, expected] of [
        ['true', true],
        ['1', true],
        ['false', false],
        ['0', false],
      ] as const) {
        assert.equal((await coerceStringRecord(Query, { page: '1', active: raw })).active, expected);
      }
      const err = await failure(coerceStringRecord(Query, { page: '1', active: 'yes' }));
      assert.deepEqual(err.details, [{ property: 'active', constraints: { isBoolean: 'active must be a boolean value' }, value: 'yes' }]);
    });

    it('turns a single value for an array property into a one-element array', async () => {
      const q = await coerceStringRecord(Query, { page: '1', tag: 'a', ids: '7' });
      assert.deepEqual(q.tag, ['a']);
      assert.deepEqual(q.ids, [7]);
    });

    it('keeps every value of a repeated key for an array property, converted', async () => {
      const q = await coerceStringRecord(Query, { page: '1', tag: ['a', 'b', 'a'], ids: ['1', '-2'] });
      assert.deepEqual(q.tag, ['a', 'b', 'a']);
      assert.deepEqual(q.ids, [1, -2]);
      const err = await failure(coerceStringRecord(Query, { page: '1', ids: ['1', 'x'] }));
      assert.deepEqual(err.details, [{ property: 'ids', constraints: { isInt: 'each value in ids must be an integer number' } }]);
    });

    it('rejects a repeated key for a scalar property, naming it, alongside other failures', async () => {
      const err = await failure(coerceStringRecord(Query, { page: ['1', '2'], ratio: 'x' }));
      assert.equal(err.status, 400);
      assert.deepEqual(err.details, [
        { property: 'page', constraints: { isSingleValue: 'page expected a single value but received 2' } },
        {
          property: 'ratio',
          constraints: { isNumber: 'ratio must be a number conforming to the specified constraints' },
          value: 'x',
        },
      ]);
    });

    it('accepts a one-element array for a scalar property', async () => {
      assert.equal((await coerceStringRecord(Query, { page: ['3'] })).page, 3);
    });

    it('converts ISO 8601 dates and leaves anything else for the validator', async () => {
      const q = await coerceStringRecord(Query, { page: '1', since: '2024-05-01T10:00:00Z' });
      assert.ok(q.since instanceof Date);
      assert.equal(q.since.toISOString(), '2024-05-01T10:00:00.000Z');
      for (const bad of ['2024-02-30', 'yesterday', '1714557600000']) {
        const err = await failure(coerceStringRecord(Query, { page: '1', since: bad }));
        assert.deepEqual(err.details, [{ property: 'since', constraints: { isDate: 'since must be a Date instance' }, value: bad }]);
      }
    });

    it('does not convert string properties', async () => {
      assert.equal((await coerceStringRecord(Query, { page: '1', q: '42' })).q, '42');
    });
  });
}

describe('coerceStringRecord options', () => {
  it('uses the status the caller passes, keeping the close code from the table', async () => {
    const err = await failure(coerceStringRecord(WithMetadata, { page: '0' }, { status: 422 }));
    assert.equal(err.status, 422);
    assert.equal(err.closeCode, 4422);
  });

  it('strips unknown keys by default and keeps them with whitelist: false', async () => {
    const stripped = await coerceStringRecord(WithMetadata, { page: '1', extra: '1' });
    assert.equal(Object.hasOwn(stripped, 'extra'), false);
    const kept = await coerceStringRecord(WithMetadata, { page: '1', extra: ['1', '2'] }, { whitelist: false });
    assert.deepEqual(Reflect.get(kept, 'extra'), ['1', '2']);
  });

  it('rejects unknown keys with forbidNonWhitelisted, even with whitelist: false', async () => {
    for (const options of [{ forbidNonWhitelisted: true }, { forbidNonWhitelisted: true, whitelist: false }]) {
      const err = await failure(coerceStringRecord(WithMetadata, { page: '1', extra: 'x' }, options));
      assert.deepEqual(err.details, [{ property: 'extra', constraints: { whitelistValidation: 'property extra should not exist' }, value: 'x' }]);
    }
  });

  it('drops a __proto__ key instead of replacing the prototype', async () => {
    const raw: Record<string, string> = JSON.parse('{"__proto__":"x","page":"1"}');
    assert.ok(Object.hasOwn(raw, '__proto__'));
    for (const options of [{}, { whitelist: false }, { forbidNonWhitelisted: true }]) {
      const q = await coerceStringRecord(WithMetadata, raw, options);
      assert.ok(q instanceof WithMetadata);
      assert.equal(Object.hasOwn(q, '__proto__'), false);
      assert.equal(q.page, 1);
    }
  });

  it('converts by design:type alone when validators give no type', async () => {
    class Loose {
      @IsOptional() count?: number;
      @IsOptional() flag?: boolean;
    }
    const loose = await coerceStringRecord(Loose, { count: '5', flag: 'true' });
    assert.equal(loose.count, 5);
    assert.equal(loose.flag, true);
  });

  it('throws a TypeError, not a validation failure, for a property typed by nothing', async () => {
    class Loose {
      @IsOptional() count?: number;
    }
    stripDesignTypes(Loose, ['count']);
    await assert.rejects(coerceStringRecord(Loose, { count: '5' }), {
      name: 'TypeError',
      message: /^Loose\.count has no type Kindling can read: .* Add an explicit type decorator such as @IsString\(\)/,
    });
  });

  it('keeps a class field default when the key is absent', async () => {
    class WithDefault {
      @IsInt() @Min(1) page = 1;
    }
    assert.equal((await coerceStringRecord(WithDefault, {})).page, 1);
  });
});
