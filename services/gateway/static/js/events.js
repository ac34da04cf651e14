// One Server-Sent Events connection to /api/events, shared by every page that wants job events or
// live progress. The browser reconnects by itself after a dropped connection and sends
// Last-Event-ID, so stored events resume without a gap; when the server refuses the stream (e.g.
// a 503 while the gateway restarts) EventSource gives up, and we open a new one after a pause,
// passing the last id we saw ourselves.
import { useEffect, useRef, useState } from 'preact/hooks';
import { token } from './api.js';

const REOPEN_MS = 5000;
// Pages come and go on navigation: keep the stream a moment so the next page reuses it.
const LINGER_MS = 10000;

const listeners = new Set();
let source = null;
let lastId = null;
let reopenTimer = null;
let closeTimer = null;

/** Parse one SSE data payload; null for anything that is not a message of ours. */
export function parseMessage(data) {
  try {
    const message = JSON.parse(data);
    return message && typeof message.subject === 'string' ? message : null;
  } catch {
    return null;
  }
}

function open() {
  const bearer = token.get();
  if (!bearer) return;
  const params = new URLSearchParams({ access_token: bearer });
  if (lastId !== null) params.set('last_event_id', lastId);
  source = new EventSource(`/api/events?${params}`);
  source.onmessage = (event) => {
    if (event.lastEventId) lastId = event.lastEventId;
    const message = parseMessage(event.data);
    if (!message) return;
    for (const listener of [...listeners]) listener(message);
  };
  source.onerror = () => {
    // While EventSource retries by itself its state is CONNECTING; only CLOSED needs us.
    if (source.readyState !== EventSource.CLOSED) return;
    source = null;
    if (listeners.size) reopenTimer = setTimeout(reopen, REOPEN_MS);
  };
}

function reopen() {
  reopenTimer = null;
  if (!source && listeners.size) open();
}

function shut() {
  closeTimer = null;
  if (listeners.size) return;
  clearTimeout(reopenTimer);
  reopenTimer = null;
  source?.close();
  source = null;
}

/** Call `listener({subject, seq, body})` for every message until the returned function is called. */
export function subscribe(listener) {
  listeners.add(listener);
  clearTimeout(closeTimer);
  closeTimer = null;
  if (!source && !reopenTimer) open();
  return () => {
    listeners.delete(listener);
    if (!listeners.size && !closeTimer) closeTimer = setTimeout(shut, LINGER_MS);
  };
}

/** Subscribe for the life of a component; the latest `listener` is always the one called. */
export function useEvents(listener) {
  const current = useRef(listener);
  current.current = listener;
  useEffect(() => subscribe((message) => current.current(message)), []);
}

/** The latest live progress sample of `jobId` (null until one arrives). */
export function useLiveProgress(jobId) {
  const [progress, setProgress] = useState(null);
  useEffect(() => setProgress(null), [jobId]);
  useEvents((message) => {
    if (jobId && message.subject === `live.job.${jobId}`) setProgress(message.body);
  });
  return progress;
}

/** Whether `message` is a lifecycle event (queued, started, finished) of a job. */
export function isJobEvent(message) {
  return message.subject.startsWith('evt.job.');
}
