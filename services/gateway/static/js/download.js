// Downloads that need the bearer token, which a plain link cannot send. Where the API takes a
// download ticket (archive downloads) the browser is sent to the URL with a 60-second ticket and
// streams the file to disk itself; elsewhere the file is fetched into memory and saved as a blob.
import { ApiError, errorMessage, post, request, token } from './api.js';

/** The file name from a Content-Disposition header, or `fallback`. */
export function dispositionName(header, fallback) {
  if (!header) return fallback;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1]);
    } catch {
      return fallback;
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}

/** A ticket for `path`, or null when that URL does not take tickets (the API says 400). */
async function ticketFor(path) {
  try {
    return (await post('/api/download-tickets', { url: path })).ticket;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return null;
    throw error;
  }
}

function save(href, name) {
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

/** Save `path` with the session's rights; rejects with a readable message. */
export async function download(path, fallbackName) {
  const ticket = await ticketFor(path);
  if (ticket) {
    // The ticket is good for this one URL for a minute; it never goes in the history (no navigation).
    save(`${path}${path.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`, fallbackName);
    return;
  }
  const headers = {};
  const bearer = token.get();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(path, { headers });
  } catch {
    throw new Error(errorMessage(0, null));
  }
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.status === 401) await request('GET', '/api/auth/me').catch(() => null);
    throw new Error(errorMessage(response.status, body));
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  save(url, dispositionName(response.headers.get('Content-Disposition'), fallbackName));
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
