// Sizes, durations and ages as people read them; pure, so they can be checked in isolation.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** "1.5 GB" (decimal units, as borg prints them); "—" when unknown. */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(Number(bytes))) return '—';
  let value = Number(bytes);
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "1 h 05 min", "42 s", "0.4 s"; "—" when unknown. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return '—';
  const total = Number(seconds);
  if (total < 10) return `${total.toFixed(1)} s`;
  const rounded = Math.round(total);
  const h = Math.floor(rounded / 3600);
  const m = Math.floor((rounded % 3600) / 60);
  const s = rounded % 60;
  if (h) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** How long ago `value` was, relative to `now` (ms): "just now", "5 min ago", "3 days ago"; "never". */
export function formatAge(value, now = Date.now()) {
  if (!value) return 'never';
  const then = parseTime(value);
  if (Number.isNaN(then)) return String(value);
  const seconds = Math.max(0, (now - then) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/**
 * Milliseconds since the epoch. borg's own times ("2026-05-03T14:05:00.000000") carry no zone and
 * are the server's local time; the UI treats them as the browser's, which is right on one machine.
 */
export function parseTime(value) {
  return new Date(value).getTime();
}

/** "12.3 MB/s" from bytes per second. */
export function formatRate(bytesPerSecond) {
  if (!bytesPerSecond) return '—';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** "1,234" with the browser's grouping. */
export function formatCount(value) {
  if (value === null || value === undefined) return '—';
  return Number(value).toLocaleString();
}

/** "1.84×" for a deduplication ratio (original over deduplicated); "—" when not known. */
export function formatRatio(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(Number(ratio))) return '—';
  return `${Number(ratio).toFixed(2)}×`;
}
