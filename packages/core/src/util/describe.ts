/**
 * A short description of a bad value for error messages: `null`, `42`, `"text"`, `an array`,
 * `a Float64Array`, `an object`. Never prints a whole (possibly huge, possibly hostile) value.
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name;
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  }
  switch (typeof v) {
    case 'string': return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'number': case 'boolean': return String(v);
    case 'bigint': return `${v}n`;
    case 'object': return 'an object';
    case 'function': return 'a function';
    default: return typeof v;
  }
}
