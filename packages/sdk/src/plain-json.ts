/**
 * Whether a value is plain JSON data: what `JSON.stringify` would write unchanged and
 * `JSON.parse` read back equal (strings, finite numbers, booleans, null, dense arrays and plain
 * objects without `toJSON` or undefined members). For such a value, checking the value itself is
 * the same as checking its serialization, which spares `capture()` a parse.
 */

/**
 * True when `value` serializes to JSON without any change (see the module comment).
 *
 * @example
 * isPlainJson({ a: [1, 'x', null] }); // true
 * isPlainJson({ at: new Date() });     // false: Date has toJSON
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if ('toJSON' in value) return false;
      for (const key in value) {
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
