// The front door's web console: signs in with an API key (exchanged for an HttpOnly session
// cookie), then shows the account's jobs, usage and models through the same JSON API the clients
// use. Every value from the server is put in the page as text, never as HTML.
'use strict';

const POLL_MS = 1000;
let pollTimer = null;
let wording = {};
let uploadNote = null; // the last upload's outcome, kept across the page's redraws

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, body) {
  const options = { method, credentials: 'same-origin', headers: { 'x-requested-with': 'backprop-console' } };
  if (body !== undefined) {
    options.headers['content-type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  let value = null;
  try { value = text ? JSON.parse(text) : null; } catch (e) { value = text; }
  if (!response.ok) {
    const message = value && value.message ? value.message : String(value || response.statusText);
    if (response.status === 401 && path !== '/console/session') showSignIn(message);
    throw new ApiError(response.status, message);
  }
  return value;
}

function status(text) {
  document.getElementById('status').textContent = text || '';
}

function seconds(value) {
  return value === null || value === undefined ? '' : Number(value).toFixed(2) + ' s';
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function eta(job) {
  const p = job.progress;
  if (job.status !== 'running' || !job.started_at || !(p.fraction > 0) || p.fraction >= 1) return '';
  const elapsed = (Date.now() - Date.parse(job.started_at)) / 1000;
  const left = Math.max(0, elapsed * (1 - p.fraction) / p.fraction);
  return 'ETA ' + (left < 90 ? Math.round(left) + ' s' : Math.round(left / 60) + ' min');
}

function progressCell(job) {
  const p = job.progress;
  const label = p.total > 0 ? p.done + ' / ' + p.total + ' rows'
    : job.status === 'queued' ? 'waiting'
    : job.status === 'running' ? 'counting rows'
    : job.status === 'succeeded' ? 'done' : '';
  const bar = el('progress', { max: 1, value: p.fraction, 'aria-label': 'progress of ' + job.job_id, 'data-fraction': p.fraction });
  return el('span', { class: 'progress' }, bar, ' ', el('span', { class: 'progress-text', text: label }), ' ', el('span', { class: 'eta', text: eta(job) }));
}

function cancellable(job) {
  return (job.status === 'queued' || job.status === 'running') && !job.cancel_requested;
}

function cancelButton(job, after) {
  if (!cancellable(job)) return null;
  return el('button', {
    type: 'button', class: 'danger cancel', 'data-job': job.job_id, 'aria-label': 'Cancel job ' + job.job_id,
    onclick: async () => {
      try {
        await api('DELETE', '/jobs/' + encodeURIComponent(job.job_id));
        status('cancel requested for ' + job.job_id);
      } catch (e) { status(e.message); }
      after();
    },
  }, 'Cancel');
}

function schedule(again) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(again, POLL_MS);
}

// Jobs: newest first, live while any is waiting or running.
async function showJobs(view) {
  const answer = await api('GET', '/jobs?limit=100');
  const rows = answer.jobs.map((job) => el('tr', { 'data-job': job.job_id, 'data-status': job.status },
    el('td', {}, el('a', { href: '#/jobs/' + encodeURIComponent(job.job_id), text: job.job_id })),
    el('td', { text: job.kind }),
    el('td', { text: job.task || '' }),
    el('td', { class: 'job-status', text: job.status + (job.cancel_requested && job.status === 'running' ? ' (cancelling)' : '') }),
    el('td', {}, progressCell(job)),
    el('td', { text: seconds(job.compute_seconds) }),
    el('td', { text: when(job.created_at) }),
    el('td', { text: when(job.finished_at) }),
    el('td', {}, cancelButton(job, route))));
  view.replaceChildren(el('h2', { text: 'Jobs' }));
  if (rows.length === 0) {
    view.append(el('p', { class: 'empty', id: 'no-jobs', text: 'no jobs yet: submit one with POST /jobs' }));
    return;
  }
  view.append(el('div', { class: 'scroll' }, el('table', { id: 'jobs' },
    el('thead', {}, el('tr', {}, ...['job', 'kind', 'task', 'status', 'progress', 'compute', 'created', 'finished', ''].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows))));
  if (answer.jobs.some((job) => job.status === 'queued' || job.status === 'running')) schedule(route);
}

function section(title, id, emptyText, rows, columns, cells) {
  const parts = [el('h3', { text: title })];
  if (rows.length === 0) {
    parts.push(el('p', { class: 'empty', id, text: emptyText }));
  } else {
    parts.push(el('div', { class: 'scroll' }, el('table', { id },
      el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', text: c }))),
      ...rows.map((row) => el('tr', {}, ...cells(row).map((c) => el('td', { text: c })))))));
  }
  return parts;
}

// One job: its state, live while it runs; once succeeded its summary, errors and results link.
async function showJob(view, id) {
  let job;
  try {
    job = await api('GET', '/jobs/' + encodeURIComponent(id));
  } catch (e) {
    if (e.status === 404 || e.status === 400) {
      view.replaceChildren(el('h2', { text: 'Job ' + id }), el('p', { id: 'not-found', class: 'error', text: 'not found' }));
      return;
    }
    throw e;
  }
  const report = await api('GET', '/jobs/' + encodeURIComponent(id) + '/report');
  wording = report.wording;
  const facts = [['status', job.status], ['kind', job.kind], ['task', job.task || ''], ['model', job.model || ''],
    ['created', when(job.created_at)], ['started', when(job.started_at)], ['finished', when(job.finished_at)],
    ['compute', seconds(job.compute_seconds)], ['rows ok / error', job.counts.ok + ' / ' + job.counts.error],
    ['message', job.message || '']];
  const parts = [el('h2', { text: 'Job ' + job.job_id }),
    el('dl', { id: 'job-facts' }, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { 'data-fact': k, text: v })])),
    el('p', {}, progressCell(job), ' ', cancelButton(job, route))];
  if (report.summary) {
    const s = report.summary;
    const figures = [['rows', s.rows], ['results', s.results], ['ok', s.ok], ['error', s.error],
      ['rows/s', s.rows_per_second === undefined ? '' : Number(s.rows_per_second).toFixed(1)]];
    parts.push(el('h3', { text: 'Summary' }), el('div', { class: 'figures', id: 'summary' },
      ...figures.map(([k, v]) => el('div', { class: 'figure' }, el('b', { 'data-figure': k, text: v === undefined ? '' : v }), k))));
  }
  if (job.status === 'succeeded') {
    parts.push(...section(wording.top_errors, 'top-errors', wording.no_errors, report.top_errors, ['rows', 'error'], (r) => [r.rows, r.error]));
    parts.push(...section(wording.error_rows, 'error-rows', wording.no_errors, report.first_error_rows, ['row', 'error'], (r) => [r.row, r.error]));
    if (report.error_rows_note) parts.push(el('p', { class: 'empty', text: report.error_rows_note }));
    parts.push(el('p', {}, el('a', { id: 'download', href: report.results_url, download: job.job_id + '.jsonl' }, 'Download results (JSON lines)')));
  }
  view.replaceChildren(...parts);
  if (job.status === 'queued' || job.status === 'running') schedule(route);
}

function previousPeriods(period, count) {
  let [year, month] = period.split('-').map(Number);
  const periods = [];
  for (let i = 0; i < count; i++) {
    month -= 1;
    if (month === 0) { month = 12; year -= 1; }
    periods.push(year + '-' + String(month).padStart(2, '0'));
  }
  return periods;
}

// Usage: this month against the limit, by task and model, a bar per day, earlier months.
async function showUsage(view) {
  const usage = await api('GET', '/usage');
  const limited = usage.limit_seconds !== null;
  const parts = [el('h2', { text: 'Usage ' + usage.period })];
  const used = Number(usage.compute_seconds);
  parts.push(el('p', { id: 'usage-total' }, limited
    ? used.toFixed(2) + ' of ' + usage.limit_seconds + ' compute seconds used, ' + Number(usage.seconds_left).toFixed(2) + ' left'
    : used.toFixed(2) + ' compute seconds used (no monthly limit)',
  usage.resets_at ? '; resets ' + when(usage.resets_at) : ''));
  if (limited) {
    parts.push(el('meter', { id: 'usage-meter', class: 'limit', min: 0, max: usage.limit_seconds, value: used,
      high: usage.limit_seconds * 0.9, 'aria-label': 'compute seconds used of the monthly limit' }));
  }
  parts.push(...section('By task and model', 'usage-by-model', 'no usage this month', usage.by_task_model,
    ['task', 'model', 'requests', 'compute'], (r) => [r.task, r.model, r.requests, seconds(r.compute_seconds)]));
  parts.push(el('h3', { text: 'By day' }));
  if (usage.by_day.length === 0) {
    parts.push(el('p', { class: 'empty', id: 'usage-days', text: 'no usage this month' }));
  } else {
    const most = Math.max(...usage.by_day.map((d) => d.compute_seconds), 1e-9);
    const bars = usage.by_day.map((d) => {
      const bar = el('div', { class: 'day', role: 'img', 'data-day': d.day, 'aria-label': d.day + ': ' + seconds(d.compute_seconds), title: d.day + ': ' + seconds(d.compute_seconds) });
      bar.style.height = Math.max(2, Math.round(100 * d.compute_seconds / most)) + '%';
      return el('div', { class: 'day-column' }, bar, el('span', { class: 'day-label', 'aria-hidden': 'true', text: d.day.slice(8) }));
    });
    parts.push(el('div', { class: 'days', id: 'usage-days' }, ...bars));
  }
  const earlier = await Promise.all(previousPeriods(usage.period, 3).map((p) => api('GET', '/usage?period=' + p)));
  parts.push(...section('Earlier months', 'usage-months', 'no earlier usage', earlier,
    ['month', 'requests', 'compute'], (u) => [u.period, u.requests, seconds(u.compute_seconds)]));
  view.replaceChildren(...parts);
}

// Models: the catalog and the account's uploads; upload a zip, delete an upload.
async function showModels(view) {
  const models = await api('GET', '/models?include_global=true');
  const rows = models.map((m) => el('tr', { 'data-model': m.name, 'data-build': m.build_status },
    el('td', { text: m.name }),
    el('td', { text: (m.tasks || []).join(', ') }),
    el('td', { text: m.global ? 'catalog' : 'yours' }),
    el('td', { class: 'build-status', text: m.build_status }),
    el('td', { class: 'build-message', text: m.build_message || '' }),
    el('td', {}, m.global ? null : el('button', {
      type: 'button', class: 'danger', 'aria-label': 'Delete model ' + m.name,
      onclick: async () => {
        if (!window.confirm('Delete model ' + m.name + '?')) return;
        try { await api('DELETE', '/models/' + encodeURIComponent(m.name)); status('deleted ' + m.name); } catch (e) { status(e.message); }
        route();
      },
    }, 'Delete'))));
  const form = el('form', { id: 'upload' },
    el('label', { for: 'model-name', text: 'Model name' }),
    el('input', { id: 'model-name', name: 'model-name', required: true, pattern: '[a-z0-9_\\-]{3,100}', autocomplete: 'off' }),
    el('label', { for: 'model-zip', text: 'Model zip (model.onnx or model.pt, config.json, tokenizer.json)' }),
    el('input', { id: 'model-zip', name: 'model-zip', type: 'file', accept: '.zip,application/zip', required: true }),
    el('p', {}, el('button', { type: 'submit' }, 'Upload')),
    el('p', { id: 'upload-result', role: 'alert', class: uploadNote && uploadNote.error ? 'error' : null, text: uploadNote ? uploadNote.text : '' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = document.getElementById('upload-result');
    const file = document.getElementById('model-zip').files[0];
    try {
      const url = await api('POST', '/upload-url', { model_name: document.getElementById('model-name').value });
      const response = await fetch(new URL(url).pathname, { method: 'PUT', body: file, credentials: 'omit' });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.message);
      uploadNote = { text: 'uploaded ' + answer.name + ': ' + answer.build_status };
      route();
    } catch (e) {
      uploadNote = { text: e.message, error: true };
      result.className = 'error';
      result.textContent = e.message;
    }
  });
  view.replaceChildren(el('h2', { text: 'Models' }),
    el('div', { class: 'scroll' }, el('table', { id: 'models' },
      el('tr', {}, ...['model', 'tasks', 'owner', 'build', 'message', ''].map((h) => el('th', { scope: 'col', text: h }))), ...rows)),
    el('h3', { text: 'Upload a model' }), form);
  if (models.some((m) => m.build_status === 'building')) schedule(route);
}

function showSignIn(message) {
  clearTimeout(pollTimer);
  document.getElementById('nav').hidden = true;
  document.getElementById('view').replaceChildren();
  document.getElementById('sign-in-view').hidden = false;
  document.getElementById('sign-in-error').textContent = message && !message.startsWith('x-api-key') ? message : '';
  document.getElementById('api-key').focus();
}

async function route() {
  clearTimeout(pollTimer);
  const view = document.getElementById('view');
  const [, page, id] = (location.hash || '#/jobs').split('/');
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === '#/' + page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  try {
    if (page === 'jobs' && id) await showJob(view, decodeURIComponent(id));
    else if (page === 'usage') await showUsage(view);
    else if (page === 'models') await showModels(view);
    else await showJobs(view);
    document.body.dataset.loaded = location.hash || '#/jobs';
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) status(e.message);
  }
}

async function start() {
  document.getElementById('sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = document.getElementById('api-key');
    try {
      const session = await api('POST', '/console/session', { api_key: input.value });
      input.value = '';
      signedIn(session);
    } catch (e) {
      document.getElementById('sign-in-error').textContent = e.message;
    }
  });
  document.getElementById('sign-out').addEventListener('click', async () => {
    await api('DELETE', '/console/session');
    showSignIn('signed out');
  });
  window.addEventListener('hashchange', () => { status(''); route(); });
  try {
    signedIn(await api('GET', '/console/session'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) showSignIn('');
    else status(e.message);
  }
}

function signedIn(session) {
  document.getElementById('sign-in-view').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('account').textContent = session.account;
  route();
}

start();
