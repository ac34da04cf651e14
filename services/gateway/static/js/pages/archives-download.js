// Downloads from an archive. The API wants the token in a header, which a plain link cannot send,
// so the file is fetched and handed to the browser as a blob: errors then read as sentences on the
// page instead of a bare JSON document in a new tab.
import { ApiError, errorMessage, token } from '../api.js';

/** The file name the server chose (`filename*=UTF-8''…` first), else `fallback`. */
export function dispositionName(header, fallback) {
  if (header) {
    const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
    if (extended) {
      try {
        return decodeURIComponent(extended[1].trim());
      } catch {
        // A malformed escape: fall through to the plain name.
      }
    }
    const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
    if (plain) return plain[1].trim();
  }
  return fallback;
}

/** Fetch `url` and save it as a file; rejects with an ApiError carrying a readable message. */
export async function saveDownload(url, fallbackName) {
  const headers = {};
  const bearer = token.get();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(url, { headers });
  } catch {
    throw new ApiError(0, 'network', errorMessage(0, null));
  }
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: the status alone makes the message.
    }
    throw new ApiError(response.status, body?.error?.code ?? 'http', errorMessage(response.status, body));
  }
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = dispositionName(response.headers.get('Content-Disposition'), fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download manager; keep it a moment for slow browsers.
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
