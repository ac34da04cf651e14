// Downloads that need the bearer token: a plain link cannot send it, so fetch the file and hand
// it to the browser as a blob.
import { errorMessage, request, token } from './api.js';

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

/** Fetch `path` with the session's token and save it; rejects with a readable message. */
export async function download(path, fallbackName) {
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
  const link = document.createElement('a');
  link.href = url;
  link.download = dispositionName(response.headers.get('Content-Disposition'), fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
