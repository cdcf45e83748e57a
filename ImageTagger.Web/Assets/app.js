// Glue for the pages still rendered statically: htmx, antiforgery for htmx requests, live progress from
// server-sent events, and gallery multi-select. Fluent's web components and theme come with Fluent UI Blazor.
import htmx from 'htmx.org';

window.htmx = htmx;
htmx.config.allowEval = false;
htmx.config.includeIndicatorStyles = false;
htmx.config.scrollIntoViewOnBoost = false;

// Antiforgery: every htmx request carries the token (forms also carry it as a field).
document.addEventListener('htmx:configRequest', (event) => {
  const token = document.querySelector('meta[name="request-verification-token"]')?.content;
  if (token) {
    event.detail.headers['RequestVerificationToken'] = token;
  }
});

// Live progress: one EventSource for the page's life (hx-boost swaps keep it), updating every [data-progress].
let lastStatus = null;
const formatEta = (s, busy) => {
  if (!busy) return '—';
  if (s === null || s === undefined) return 'unknown';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
};
const etaSeconds = (eta) => {
  if (eta === null || eta === undefined) return null;
  if (typeof eta === 'number') return eta;
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(eta);
  return m ? (+(m[1] || 0)) * 86400 + (+m[2]) * 3600 + (+m[3]) * 60 + (+m[4]) : null;
};
function renderProgress(status) {
  if (!status) return;
  const busy = status.pending > 0;
  const percent = Math.round((status.total === 0 ? 1 : status.done / status.total) * 100);
  document.querySelectorAll('[data-progress]').forEach((root) => {
    const set = (field, value) => root.querySelectorAll(`[data-field="${field}"]`).forEach((el) => {
      if (field === 'bar') el.setAttribute('value', String(value)); else el.textContent = String(value);
    });
    set('done', status.done);
    set('total', status.total);
    set('pending', status.pending);
    set('failed', status.failed);
    set('rate', Math.round(status.ratePerMinute));
    set('eta', formatEta(etaSeconds(status.eta), busy));
    set('state', busy ? 'working' : 'idle');
    set('bar', percent);
    if (root.dataset.progress === 'global') root.hidden = !busy;
  });
}
function startProgress() {
  if (!('EventSource' in window)) return;
  const source = new EventSource('/progress/events');
  source.addEventListener('progress', (event) => {
    lastStatus = JSON.parse(event.data);
    renderProgress(lastStatus);
  });
}
startProgress();

// Gallery: "select all" and the selection count.
function wireSelection(root) {
  const selectAll = root.querySelector?.('[data-select-all]');
  if (selectAll) {
    selectAll.hidden = false;
    selectAll.onclick = () => {
      const boxes = [...document.querySelectorAll('[data-select-item]')];
      const all = boxes.every((b) => b.checked);
      boxes.forEach((b) => { b.checked = !all; });
      updateCount();
    };
  }
}
function updateCount() {
  const count = document.querySelectorAll('[data-select-item]:checked').length;
  document.querySelectorAll('[data-selected-count]').forEach((el) => { el.textContent = String(count); });
}
document.addEventListener('change', (event) => {
  if (event.target.matches?.('[data-select-item]')) updateCount();
});

// Type-ahead: reflect whether suggestions are showing.
document.addEventListener('htmx:afterSwap', (event) => {
  if (event.detail.target.id === 'tag-suggestions') {
    document.getElementById('search-tag')?.setAttribute('aria-expanded', event.detail.target.children.length > 0 ? 'true' : 'false');
  }
});

const onLoad = (root) => { wireSelection(root); updateCount(); renderProgress(lastStatus); };
htmx.onLoad(onLoad);
onLoad(document);
