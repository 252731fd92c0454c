import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsArray, IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { ArrayOf, Nested } from './nested.js';
import { planFor, prepareDto } from './property-types.js';

function stripDesignTypes(cls: { prototype: object }, keys: readonly string[]): void {
  for (const key of keys) {
    assert.ok(Reflect.hasOwnMetadata('design:type', cls.prototype, key), `compiler emitted design:type for ${key}`);
    Reflect.deleteMetadata('design:type', cls.prototype, key);
  }
}

class Address {
  @IsString() city!: string;
}

function defineSample() {
  class Sample {
    @IsInt() @Min(1) page!: number;
    @IsOptional() @IsBoolean() active?: boolean;
    @IsOptional() @IsDate() since?: Date;
    @IsOptional() @IsString({ each: true }) tags?: string[];
    @IsOptional() @IsArray() @IsInt({ each: true }) ids?: number[];
    @IsOptional() @IsString() q?: string;
    @Nested(() => Address) address!: Address;
  }
  return Sample;
}
const SAMPLE_KEYS = ['page', 'active', 'since', 'tags', 'ids', 'q', 'address'];

describe('planFor', () => {
  const WithMetadata = defineSample();
  const WithoutMetadata = defineSample();
  stripDesignTypes(WithoutMetadata, SAMPLE_KEYS);

  for (const [label, Sample] of [
    ['with design:type', WithMetadata],
    ['without design:type', WithoutMetadata],
  ] as const) {
    it(`derives property types ${label}`, () => {
      const plan = planFor(Sample);
      assert.deepEqual(Object.fromEntries(plan.properties), {
        page: { kind: 'number', array: false },
        active: { kind: 'boolean', array: false },
        since: { kind: 'date', array: false },
        tags: { kind: 'string', array: true },
        ids: { kind: 'number', array: true },
        q: { kind: 'string', array: false },
        address: { kind: 'unknown', array: false },
      });
      assert.equal(plan.nested.get('address'), Address);
      assert.equal(plan.nested.size, 1);
    });
  }

  it('caches the plan per class', () => {
    const Sample = defineSample();
    const first = planFor(Sample);
    assert.equal(planFor(Sample), first);
    assert.notEqual(planFor(defineSample()), first);
  });

  it('lets design:type decide when validators say nothing about the type', () => {
    class Loose {
      @IsOptional() count?: number;
      @IsOptional() flag?: boolean;
    }
    assert.deepEqual(planFor(Loose).properties.get('count'), { kind: 'number', array: false });
    assert.deepEqual(planFor(Loose).properties.get('flag'), { kind: 'boolean', array: false });
    class Stripped {
      @IsOptional() count?: number;
    }
    stripDesignTypes(Stripped, ['count']);
    assert.deepEqual(planFor(Stripped).properties.get('count'), { kind: 'unknown', array: false });
  });

  it('falls back to validators when design:type is Object (a union type)', () => {
    class Union {
      @IsInt() n!: number | string;
    }
    assert.equal(Reflect.getMetadata('design:type', Union.prototype, 'n'), Object);
    assert.deepEqual(planFor(Union).properties.get('n'), { kind: 'number', array: false });
  });

  it('leaves the kind unknown when validators disagree', () => {
    class Conflict {
      @IsInt() @IsBoolean() x!: unknown;
    }
    assert.deepEqual(planFor(Conflict).properties.get('x'), { kind: 'unknown', array: false });
  });

  it('uses a class from design:type for @ValidateNested() without @Nested', () => {
    class Holder {
      @ValidateNested() address!: Address;
    }
    assert.equal(planFor(Holder).nested.get('address'), Address);
  });

  it('rejects @ValidateNested() whose class cannot be known', () => {
    class NoMeta {
      @ValidateNested() address!: Address;
    }
    stripDesignTypes(NoMeta, ['address']);
    assert.throws(() => prepareDto(NoMeta), {
      name: 'TypeError',
      message: 'NoMeta.address has @ValidateNested() but its class is unknown; add @Nested(() => ItemClass) to the property',
    });
    class ArrayWithoutClass {
      @ValidateNested({ each: true }) items!: Address[];
    }
    assert.throws(() => planFor(ArrayWithoutClass), /add @ArrayOf\(\(\) => ItemClass\)/);
  });

  it('finds @Nested/@ArrayOf and validators declared on a parent class', () => {
    class Parent {
      @IsInt() id!: number;
      @ArrayOf(() => Address) addresses!: Address[];
    }
    class Child extends Parent {
      @IsString() name!: string;
    }
    stripDesignTypes(Parent, ['id', 'addresses']);
    const plan = planFor(Child);
    assert.deepEqual(plan.properties.get('id'), { kind: 'number', array: false });
    assert.equal(plan.properties.get('addresses')?.array, true);
    assert.equal(plan.nested.get('addresses'), Address);
  });

  it('refuses, for strings, a property whose type only decorator metadata could tell', () => {
    class Loose {
      @IsOptional() count?: number;
      @IsIn([1, 2]) level!: number;
      @IsInt() page!: number;
    }
    stripDesignTypes(Loose, ['count', 'level', 'page']);
    const message =
      'Loose.count, Loose.level have no type Kindling can read: no validator names one and the compiler ' +
      'emitted no decorator metadata (esbuild, tsx and vitest do not), so the value would be converted ' +
      'differently by different build tools. Add an explicit type decorator such as @IsString(), ' +
      '@IsInt(), @IsNumber(), @IsBoolean() or @IsDate() to the property.';
    assert.throws(() => prepareDto(Loose, { fromStrings: true }), { name: 'TypeError', message });
    // A JSON body is never converted, so the same class is fine there.
    assert.doesNotThrow(() => prepareDto(Loose));
  });

  it('accepts the same class when the compiler emitted design:type', () => {
    class Loose {
      @IsOptional() count?: number;
      @IsIn([1, 2]) level!: number;
    }
    assert.doesNotThrow(() => prepareDto(Loose, { fromStrings: true }));
    assert.deepEqual(planFor(Loose).properties.get('count'), { kind: 'number', array: false });
  });

  it('reads a string validator as a string type without metadata', () => {
    class Strings {
      @Length(1, 16) name!: string;
      @IsOptional() @IsUUID() id?: string;
      @IsIn(['a', 'b']) @IsString() mode!: string;
      @IsOptional() @IsInt({ each: true }) ids?: number[];
    }
    stripDesignTypes(Strings, ['name', 'id', 'mode', 'ids']);
    assert.doesNotThrow(() => prepareDto(Strings, { fromStrings: true }));
    assert.deepEqual(planFor(Strings).properties.get('name'), { kind: 'string', array: false });
    assert.deepEqual(planFor(Strings).properties.get('id'), { kind: 'string', array: false });
  });
});
