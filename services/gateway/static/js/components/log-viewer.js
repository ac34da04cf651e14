// A job's log that follows while the job runs: reads on from the last offset until the server says
// the log is complete, and keeps the view at the bottom unless the reader scrolled up.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { get } from '../api.js';
import { download } from '../download.js';
import { html } from '../html.js';
import { Alert } from './alert.js';

const POLL_MS = 1000;
// Enough for any screen; the whole log is one download away.
const KEEP_CHARS = 2_000_000;

export function LogViewer({ jobId }) {
  const [text, setText] = useState('');
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState('');
  const [follow, setFollow] = useState(true);
  const box = useRef(null);
  const save = useAction();

  useEffect(() => {
    let offset = 0;
    let stopped = false;
    let timer = null;
    setText('');
    setComplete(false);
    const read = async () => {
      try {
        const chunk = await get(`/api/jobs/${encodeURIComponent(jobId)}/log?offset=${offset}`);
        if (stopped) return;
        setError('');
        if (chunk.text) setText((previous) => (previous + chunk.text).slice(-KEEP_CHARS));
        offset = chunk.next_offset;
        if (chunk.complete) {
          setComplete(true);
          return;
        }
        // More is waiting: read it at once; otherwise look again in a moment.
        timer = setTimeout(read, chunk.next_offset < chunk.size ? 0 : POLL_MS);
      } catch (failure) {
        if (stopped) return;
        setError(failure.message);
        timer = setTimeout(read, POLL_MS * 5);
      }
    };
    read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text, follow]);

  const onScroll = () => {
    const element = box.current;
    setFollow(element.scrollHeight - element.scrollTop - element.clientHeight < 24);
  };

  return html`
    <section class="panel" aria-labelledby="log-title">
      <div class="panel-head">
        <h2 id="log-title">Log</h2>
        <span class="muted" role="status">${complete ? 'Complete' : 'Following…'}</span>
      </div>
      ${error && html`<${Alert} kind="error">${error}<//>`}
      <pre class="log" ref=${box} tabindex="0" aria-label="Job log" onScroll=${onScroll}>${text || (complete ? 'The log is empty.' : '')}</pre>
      ${save.error && html`<${Alert} kind="error">${save.error}<//>`}
      <div class="actions start">
        <button type="button" class="button" disabled=${save.busy} onClick=${() => save.run(() => download(`/api/jobs/${encodeURIComponent(jobId)}/log?download=1`, `job-${jobId}.log`))}>Download the log</button>
        ${!follow && html`<button type="button" class="button subtle" onClick=${() => setFollow(true)}>Follow the end</button>`}
      </div>
    </section>`;
}
