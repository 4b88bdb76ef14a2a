/** "Did you mean …?" for unknown configuration keys. */

/** Levenshtein distance (small strings only: key names). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** `pollIntervalMs`, `poll-interval-ms` and `POLL_INTERVAL_MS` all compare equal to `poll_interval_ms`. */
const normalise = (key: string) => key.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The known path closest to an unknown key at `parentPath`. Siblings win over keys elsewhere in the
 * tree (a key put in the wrong block is suggested with its full path). Undefined when nothing is close.
 */
export function suggestKey(unknownKey: string, parentPath: string, knownPaths: readonly string[]): string | undefined {
  const target = normalise(unknownKey);
  const limit = Math.max(1, Math.floor(unknownKey.length / 3));
  let best: { path: string; score: number } | undefined;
  for (const path of knownPaths) {
    const dot = path.lastIndexOf('.');
    const parent = dot < 0 ? '' : path.slice(0, dot);
    const last = path.slice(dot + 1);
    const distance = editDistance(target, normalise(last));
    if (distance > limit) continue;
    // Same block first, then closeness; the 0.5 keeps an exact match elsewhere ahead of a typo nearby.
    const score = distance + (parent === parentPath ? 0 : 0.5);
    if (!best || score < best.score) best = { path, score };
  }
  return best?.path;
}
