/**
 * Reads typed request parameters from either a JSON body (strict JSON types) or multipart form fields (everything
 * arrives as a string: numbers as decimal strings, booleans as "true"/"false", as the official SDKs send them).
 * `null` means "use the default", as in the SDK types. Every failure is an ApiError naming the parameter.
 */
import {
  integerAboveMax,
  integerBelowMin,
  invalidEnumValue,
  invalidType,
  quotedList,
  stringTooLong,
  stringTooShort,
} from './errors.ts';

export type ParamSource = 'json' | 'form';

export class ParamReader {
  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    readonly source: ParamSource,
  ) {}

  keys(): string[] {
    return Object.keys(this.raw);
  }

  /** True when the parameter was sent with a non-null value. */
  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  value(name: string): unknown {
    return this.raw[name];
  }

  string(name: string, limits: { min?: number; max?: number } = {}): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalidType(name, 'a string', v);
    if (limits.min !== undefined && v.length < limits.min) throw stringTooShort(name, limits.min);
    if (limits.max !== undefined && v.length > limits.max) throw stringTooLong(name, limits.max, v.length);
    return v;
  }

  enumValue<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalidType(name, `one of ${quotedList(allowed, 'or')}`, v);
    if (!(allowed as readonly string[]).includes(v)) throw invalidEnumValue(name, v, allowed);
    return v as T;
  }

  int(name: string, min: number, max: number): number | undefined {
    let v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (this.source === 'form' && typeof v === 'string' && /^[+-]?\d{1,16}$/.test(v.trim())) v = Number(v.trim());
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidType(name, 'an integer', v);
    if (v < min) throw integerBelowMin(name, min, v);
    if (v > max) throw integerAboveMax(name, max, v);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (this.source === 'form' && (v === 'true' || v === 'false')) return v === 'true';
    if (typeof v !== 'boolean') throw invalidType(name, 'a boolean', v);
    return v;
  }
}
