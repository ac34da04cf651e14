// One folder of an archive, loaded page by page. The first open of an archive that is not indexed
// answers 202 and starts building its index: then the count of entries read so far is polled
// until the folder can be listed.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { archiveApi } from './archives-format.js';

const POLL_MS = 700;

/** Why an index build failed, from its job when the job says. */
async function failureMessage(index) {
  if (index.job_id) {
    try {
      const job = await get(`/api/jobs/${encodeURIComponent(index.job_id)}`);
      if (job.error) return `The archive could not be indexed: ${job.error}`;
    } catch {
      // The job is gone or unreadable; the generic message below still says what happened.
    }
  }
  return 'The archive could not be indexed. An operator can try again with “Rebuild index”.';
}

export function useListing({ repoId, archive, path, sort, order, offset, limit, generation }) {
  const [state, setState] = useState({ listing: null, indexing: null, error: '', loading: true });

  useEffect(() => {
    if (!repoId || !archive) return undefined;
    let alive = true;
    let timer = null;
    const query = new URLSearchParams({ path, sort, order, offset: String(offset), limit: String(limit) });
    const url = archiveApi(repoId, archive, `/browse?${query}`);
    setState((previous) => ({ ...previous, loading: true, error: '' }));

    const load = async () => {
      try {
        const reply = await get(url);
        if (!alive) return;
        if (reply?.entries) {
          setState({ listing: reply, indexing: null, error: '', loading: false });
        } else if (reply?.index?.state === 'failed') {
          const message = await failureMessage(reply.index);
          if (alive) setState({ listing: null, indexing: null, error: message, loading: false });
        } else {
          setState({ listing: null, indexing: reply?.index ?? { state: 'queued', entries: 0 }, error: '', loading: false });
          timer = setTimeout(load, POLL_MS);
        }
      } catch (failure) {
        if (alive) setState({ listing: null, indexing: null, error: failure.message, loading: false });
      }
    };
    load();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [repoId, archive, path, sort, order, offset, limit, generation]);

  return state;
}
