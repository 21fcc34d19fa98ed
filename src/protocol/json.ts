// Parsed JSON, narrowed by checking rather than by casting.

export type JsonObject = Record<string, unknown>;

/** A JSON value that is an object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
