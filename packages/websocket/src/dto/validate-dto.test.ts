import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { KindlingError } from '../errors/kindling-error.js';
import { ArrayOf, Nested } from './nested.js';
import { validateDto } from './validate-dto.js';

function stripDesignTypes(cls: { prototype: object }, keys: readonly string[]): void {
  for (const key of keys) {
    assert.ok(Reflect.hasOwnMetadata('design:type', cls.prototype, key), `compiler emitted design:type for ${key}`);
    Reflect.deleteMetadata('design:type', cls.prototype, key);
  }
}

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

class Address {
  @IsString() city!: string;
}

class Item {
  @IsInt() @Min(1) qty!: number;
}

function defineOrder() {
  class Order {
    @IsString() name!: string;
    @IsOptional() @IsInt() age?: number;
    @IsString() role = 'member';
    @Nested(() => Address) address!: Address;
    @ArrayOf(() => Item) @ArrayMaxSize(3) items!: Item[];
  }
  return Order;
}
const ORDER_KEYS = ['name', 'age', 'role', 'address', 'items'];

const valid = () => ({ name: 'Ada', address: { city: 'Oslo' }, items: [{ qty: 1 }, { qty: 2 }] });

const WithMetadata = defineOrder();
const WithoutMetadata = defineOrder();
stripDesignTypes(WithoutMetadata, ORDER_KEYS);

for (const [label, Order] of [
  ['with design:type', WithMetadata],
  ['without design:type', WithoutMetadata],
] as const) {
  describe(`validateDto ${label}`, () => {
    it('builds instances of the class and of its nested classes', async () => {
      const order = await validateDto(Order, valid());
      assert.ok(order instanceof Order);
      assert.ok(order.address instanceof Address);
      assert.equal(order.items.length, 2);
      assert.ok(order.items.every((item) => item instanceof Item));
      assert.equal(order.role, 'member', 'class field defaults survive');
    });

    it('does not coerce JSON values', async () => {
      const err = await failure(validateDto(Order, { ...valid(), age: '5' }));
      assert.equal(err.status, 422);
      assert.equal(err.closeCode, 4422);
      assert.deepEqual(err.details, [{ property: 'age', constraints: { isInt: 'age must be an integer number' }, value: '5' }]);
    });

    it('reports nested failures with dotted paths', async () => {
      const err = await failure(validateDto(Order, { name: 'Ada', address: { city: 7 }, items: [{ qty: 1 }, { qty: 0 }] }));
      assert.deepEqual(err.details, [
        { property: 'address.city', constraints: { isString: 'city must be a string' }, value: 7 },
        { property: 'items.1.qty', constraints: { min: 'qty must not be less than 1' }, value: 0 },
      ]);
    });

    it('rejects a nested property that is not an object', async () => {
      for (const address of ['Oslo', [{ city: 'Oslo' }], null]) {
        const err = await failure(validateDto(Order, { ...valid(), address }));
        const paths = (err.details as { property: string }[]).map((d) => d.property);
        assert.deepEqual(paths, ['address'], `address: ${JSON.stringify(address)}`);
      }
    });

    it('rejects an array of nested objects that holds something else', async () => {
      for (const items of [{ qty: 1 }, [5], [[{ qty: 1 }]], 'x']) {
        const err = await failure(validateDto(Order, { ...valid(), items }));
        const paths = (err.details as { property: string }[]).map((d) => d.property);
        assert.ok(paths.length > 0 && paths.every((p) => p.startsWith('items')), `items: ${JSON.stringify(items)}`);
      }
    });

    it('applies validators next to @ArrayOf', async () => {
      const err = await failure(validateDto(Order, { ...valid(), items: [1, 2, 3, 4].map((qty) => ({ qty })) }));
      assert.deepEqual(err.details, [{ property: 'items', constraints: { arrayMaxSize: 'items must contain no more than 3 elements' } }]);
    });

    it('strips unknown properties at every level by default', async () => {
      const order = await validateDto(Order, {
        ...valid(),
        isAdmin: true,
        address: { city: 'Oslo', zip: '0150' },
        items: [{ qty: 1, price: 0 }],
      });
      assert.equal(Object.hasOwn(order, 'isAdmin'), false);
      assert.equal(Object.hasOwn(order.address, 'zip'), false);
      assert.equal(Object.hasOwn(order.items[0] ?? {}, 'price'), false);
    });

    it('rejects unknown properties at every level with forbidNonWhitelisted', async () => {
      const input = { ...valid(), isAdmin: true, address: { city: 'Oslo', zip: '0150' } };
      const err = await failure(validateDto(Order, input, { forbidNonWhitelisted: true }));
      assert.deepEqual(err.details, [
        { property: 'isAdmin', constraints: { whitelistValidation: 'property isAdmin should not exist' }, value: true },
        { property: 'address.zip', constraints: { whitelistValidation: 'property zip should not exist' }, value: '0150' },
      ]);
    });
  });
}

describe('validateDto input and error shape', () => {
  it('keeps unknown properties with whitelist: false', async () => {
    const order = await validateDto(WithMetadata, { ...valid(), note: 'hi' }, { whitelist: false });
    assert.equal(Reflect.get(order, 'note'), 'hi');
  });

  for (const [input, got] of [
    [null, 'null'],
    [undefined, 'undefined'],
    [[valid()], 'an array'],
    ['{"name":"Ada"}', 'a string'],
    [5, 'a number'],
  ] as const) {
    it(`rejects ${got} where an object is expected`, async () => {
      const err = await failure(validateDto(WithMetadata, input));
      assert.equal(err.status, 422);
      assert.equal(err.message, `Validation failed: expected a JSON object, got ${got}`);
      assert.deepEqual(err.details, [{ property: '', constraints: { isObject: `expected a JSON object, got ${got}` } }]);
    });
  }

  it('carries only property, constraints and a primitive value into the client body', async () => {
    const err = await failure(validateDto(WithMetadata, { ...valid(), name: { first: 'Ada' } }));
    assert.deepEqual(err.toJSON(), {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        details: [{ property: 'name', constraints: { isString: 'name must be a string' } }],
      },
    });
  });

  it('reports a property once when its nested validation is declared twice', async () => {
    class Twice {
      @ValidateNested() @Nested(() => Address) address!: Address;
    }
    const err = await failure(validateDto(Twice, { address: { city: 1 } }));
    assert.deepEqual(err.details, [{ property: 'address.city', constraints: { isString: 'city must be a string' }, value: 1 }]);
  });

  it('uses the design:type class for a plain @ValidateNested()', async () => {
    class Holder {
      @ValidateNested() address!: Address;
    }
    const holder = await validateDto(Holder, { address: { city: 'Oslo' } });
    assert.ok(holder.address instanceof Address);
    const err = await failure(validateDto(Holder, { address: {} }));
    assert.deepEqual(err.details, [{ property: 'address.city', constraints: { isString: 'city must be a string' } }]);
  });

  it('drops a __proto__ key instead of replacing the prototype', async () => {
    const input: unknown = JSON.parse('{"__proto__":{"polluted":true},"name":"Ada","address":{"city":"Oslo","__proto__":{"x":1}},"items":[]}');
    for (const options of [{}, { whitelist: false }, { forbidNonWhitelisted: true }]) {
      const order = await validateDto(WithMetadata, input, options);
      assert.ok(order instanceof WithMetadata);
      assert.ok(order.address instanceof Address);
      assert.equal(Object.hasOwn(order, '__proto__'), false);
      assert.equal(Object.hasOwn(order.address, '__proto__'), false);
      assert.equal(Reflect.get(order, 'polluted'), undefined);
    }
  });
});
