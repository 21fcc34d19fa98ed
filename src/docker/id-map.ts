// A container's user and group ids as the kernel maps them (/proc/<pid>/uid_map, gid_map): lines of
// "<first id inside> <first id outside> <count>". Identity ("0 0 4294967295") on a rootful engine; on a
// rootless one the engine's own user is 0 inside and every other id is shifted, so the runner user's files
// must be named by the id they have inside.

/** The id inside the container that `outside` is, or null when it is not mapped (or the text is no map). */
export function idInside(mapText: string, outside: number): number | null {
  const lines = mapText.split('\n').filter((line) => line.trim() !== '');
  // A map holds at most 340 lines (the kernel's limit); anything else is not one.
  if (lines.length === 0 || lines.length > 340) return null;
  const ranges = lines.map((line) => line.trim().split(/\s+/));
  if (!ranges.every((fields) => fields.length === 3 && fields.every((field) => /^\d{1,10}$/.test(field))))
    return null;
  for (const [inside = 0, first = 0, count = 0] of ranges.map((fields) => fields.map(Number))) {
    if (outside >= first && outside < first + count) return inside + (outside - first);
  }
  return null;
}
