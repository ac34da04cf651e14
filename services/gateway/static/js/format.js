// How dates and other values read on screen; pure so they can be checked in isolation.

const pad = (number) => String(number).padStart(2, '0');

/** "2026-05-03 14:05" in the browser's time zone: short, sortable and unambiguous; "—" for never. */
export function formatDate(value) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
