/** Times as people read them in a status table: "3d 4h ago", and ISO times to the second. */

export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))}s`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`;
  return `${mins}m`;
}

export function ago(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${duration(now - at)} ago`;
}

/** "2026-03-07 22:00:05Z": short, unambiguous (UTC), sortable, to the second (decisions seconds apart stay apart). */
export function shortIso(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 19).replace('T', ' ')}Z` : '';
}
