// The safe-markup playground: the input is cleaned by this same service
// (/v1/clean) on every edit; the page shows the cleaned HTML, a preview in
// a sandboxed iframe, the report, and a diff. State lives in the URL
// fragment, so a link reproduces what is on screen.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const CUSTOM = '(custom TOML)';
  // The preview document's own policy, on top of the page's: no script,
  // no network (images only as data: URLs), inline styles for the
  // cleaned HTML's style attributes.
  const PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  const SAMPLE = '<p>Hello <b onclick="steal()">world</b>!</p>\n' +
    '<script>alert(1)</script>\n<a href="javascript:alert(2)">a link</a> ' +
    '<img src="data:image/png;base64,AA" alt="pic">';

  let defaultPolicy = 'ugc';
  let running = false;   // a request is in flight
  let dirty = false;     // an edit came in meanwhile
  let seq = 0;           // cleans completed (for tests and screenshots)
  let changes = [];      // the last report's changes
  let shownInput = '';   // the input the shown results are for

  // ---- URL fragment state ----

  const utf8 = new TextEncoder();
  const fromUtf8 = new TextDecoder();

  function encodeState(state) {
    const bytes = utf8.encode(JSON.stringify(state));
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function decodeState(text) {
    try {
      const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
      const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
      const state = JSON.parse(fromUtf8.decode(bytes));
      return state && typeof state === 'object' ? state : null;
    } catch {
      return null;
    }
  }

  function currentState() {
    const state = { html: $('input').value, policy: $('policy').value };
    if (state.policy === CUSTOM) state.toml = $('toml').value;
    return state;
  }

  function saveState() {
    const hash = '#' + encodeState(currentState());
    history.replaceState(null, '', hash);
    $('link').href = hash;
  }

  // ---- requests ----

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    let json = null;
    try { json = await response.json(); } catch { /* not JSON: handled below */ }
    return { response, json };
  }

  // Runs now if idle; otherwise once the request in flight is answered,
  // so typing never queues more than one request and never waits on a timer.
  function schedule() {
    saveState();
    if (running) { dirty = true; return; }
    run();
  }

  async function run() {
    running = true;
    dirty = false;
    const state = currentState();
    const body = { html: state.html, report: true };
    if (state.policy === CUSTOM) body.policy_toml = state.toml;
    else body.policy = state.policy;
    const started = performance.now();
    try {
      const { response, json } = await post('/v1/clean', body);
      const roundTrip = performance.now() - started;
      if (response.ok && json) {
        showTomlError(null);
        show(state.html, json, response.headers.get('server-timing'), roundTrip);
      } else {
        const error = json && json.error ? json.error : { message: `HTTP ${response.status}` };
        if (error.code === 'invalid_policy') showTomlError(error);
        setStatus(error.message, true);
      }
    } catch (err) {
      setStatus(`request failed: ${err}`, true);
    } finally {
      running = false;
      if (dirty) run();
    }
  }

  function setStatus(text, isError) {
    $('status').textContent = text;
    $('status').classList.toggle('error', Boolean(isError));
  }

  // ---- results ----

  function show(input, json, serverTiming, roundTrip) {
    shownInput = input;
    const html = json.html;
    $('output').textContent = html;
    // srcdoc, never innerHTML: the preview is its own sandboxed document.
    $('preview').srcdoc = '<!doctype html><meta charset="utf-8">' +
      `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">` + html;
    const match = /dur=([\d.]+)/.exec(serverTiming || '');
    const clean = match ? `${Number(match[1]).toFixed(3)} ms clean` : '';
    $('timing').textContent = `${clean}${clean ? ', ' : ''}${roundTrip.toFixed(1)} ms round trip`;
    changes = (json.report && json.report.changes) || [];
    showReport();
    markSpan(null);
    $('diff').replaceChildren(...diff(input, html));
    setStatus(json.report && json.report.changed ? 'changed' : 'unchanged', false);
    seq += 1;
    document.body.dataset.seq = String(seq);
  }

  function showReport() {
    $('count').textContent = `(${changes.length})`;
    const items = changes.map((change, i) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.index = String(i);
      const what = [change.kind, change.name].filter(Boolean).join(' ');
      const on = change.element ? ` on <${change.element}>` : '';
      const url = change.url ? ` (${change.url})` : '';
      const rule = document.createElement('span');
      rule.className = 'rule';
      rule.textContent = ruleText(change.rule);
      button.append(`${what}${on}${url}: `, rule);
      if (!change.span) {
        const note = document.createElement('span');
        note.className = 'nospan';
        note.textContent = ' (no place in the input)';
        button.append(note);
      }
      button.addEventListener('click', () => select(i));
      li.append(button);
      return li;
    });
    $('report').replaceChildren(...items);
  }

  function ruleText(rule) {
    if (typeof rule === 'string') return rule.replace(/_/g, ' ');
    return Object.entries(rule || {}).map(([k, v]) => `${k.replace(/_/g, ' ')} (${v})`).join(', ');
  }

  // Spans are UTF-8 byte offsets; the textarea counts UTF-16 code units.
  function toUtf16(text, byteOffset) {
    const bytes = utf8.encode(text);
    return fromUtf8.decode(bytes.subarray(0, byteOffset)).length;
  }

  function select(i) {
    for (const b of $('report').querySelectorAll('button')) {
      b.classList.toggle('selected', b.dataset.index === String(i));
    }
    const change = changes[i];
    if (!change || !change.span) { markSpan(null); return; }
    const start = toUtf16(shownInput, change.span.start);
    const end = toUtf16(shownInput, change.span.end);
    markSpan([start, end]);
    const input = $('input');
    if (input.value === shownInput) input.setSelectionRange(start, end);
  }

  function markSpan(range) {
    const text = shownInput;
    if (!range) { $('marked').replaceChildren(text); return; }
    const mark = document.createElement('mark');
    mark.textContent = text.slice(range[0], range[1]);
    $('marked').replaceChildren(text.slice(0, range[0]), mark, text.slice(range[1]));
    mark.scrollIntoView({ block: 'nearest' });
  }

  // ---- diff: tags, words and spaces as tokens ----

  const MAX_CELLS = 4e6;

  function tokens(text) {
    return text.match(/<[^>]*>?|[^<\s]+|\s+/g) || [];
  }

  function diff(before, after) {
    const a = tokens(before);
    const b = tokens(after);
    let pre = 0;
    while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
    let suf = 0;
    while (suf < a.length - pre && suf < b.length - pre &&
      a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
    const midA = a.slice(pre, a.length - suf);
    const midB = b.slice(pre, b.length - suf);
    const ops = [['=', a.slice(0, pre).join('')]];
    if (midA.length * midB.length > MAX_CELLS) {
      // Too large to align token by token: the middle as one change.
      ops.push(['-', midA.join('')], ['+', midB.join('')]);
    } else {
      ops.push(...lcsOps(midA, midB));
    }
    ops.push(['=', a.slice(a.length - suf).join('')]);
    return ops.filter(([, t]) => t).map(([op, text]) => {
      if (op === '=') return document.createTextNode(text);
      const span = document.createElement('span');
      span.className = op === '-' ? 'del' : 'ins';
      span.textContent = text;
      return span;
    });
  }

  function lcsOps(a, b) {
    const n = a.length, m = b.length, w = m + 1;
    const len = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        len[i * w + j] = a[i] === b[j] ? len[(i + 1) * w + j + 1] + 1
          : Math.max(len[(i + 1) * w + j], len[i * w + j + 1]);
      }
    }
    const ops = [];
    const push = (op, t) => {
      const last = ops[ops.length - 1];
      if (last && last[0] === op) last[1] += t; else ops.push([op, t]);
    };
    let i = 0, j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { push('=', a[i]); i++; j++; }
      else if (len[(i + 1) * w + j] >= len[i * w + j + 1]) push('-', a[i++]);
      else push('+', b[j++]);
    }
    while (i < n) push('-', a[i++]);
    while (j < m) push('+', b[j++]);
    return ops;
  }

  // ---- policy editor ----

  function showTomlError(error) {
    const box = $('toml-error');
    const lines = $('toml-lines');
    if (!error) { box.textContent = ''; lines.hidden = true; return; }
    box.textContent = error.line ? `line ${error.line}: ${error.message}` : error.message;
    if (!error.line) { lines.hidden = true; return; }
    const rows = $('toml').value.split('\n').map((text, i) => {
      const row = document.createElement('span');
      row.textContent = `${String(i + 1).padStart(3)}  ${text}\n`;
      if (i + 1 === error.line) row.className = 'error-line';
      return row;
    });
    lines.replaceChildren(...rows);
    lines.hidden = false;
  }

  async function checkToml() {
    saveState();
    const { response, json } = await post('/v1/policy/check', { toml: $('toml').value });
    if (response.ok) { showTomlError(null); schedule(); return; }
    showTomlError(json && json.error ? json.error : { message: `HTTP ${response.status}` });
    setStatus('the policy does not build', true);
  }

  function policyChanged() {
    const custom = $('policy').value === CUSTOM;
    $('toml-box').hidden = !custom;
    if (custom && !$('toml').value.trim()) {
      $('toml').value = `preset = "${defaultPolicy}"\n`;
    }
    if (custom) checkToml(); else schedule();
  }

  // ---- start ----

  async function start() {
    let names = ['ugc'];
    let inline = true;
    try {
      const json = await (await fetch('/v1/policies')).json();
      names = json.policies;
      defaultPolicy = json.default;
      inline = json.inline;
    } catch (err) {
      setStatus(`cannot list policies: ${err}`, true);
    }
    const options = names.concat(inline ? [CUSTOM] : []).map((name) => {
      const option = document.createElement('option');
      option.value = option.textContent = name;
      return option;
    });
    $('policy').replaceChildren(...options);
    const state = decodeState(location.hash.slice(1)) || { html: SAMPLE, policy: defaultPolicy };
    $('input').value = typeof state.html === 'string' ? state.html : '';
    if (typeof state.toml === 'string') $('toml').value = state.toml;
    if (options.some((o) => o.value === state.policy)) $('policy').value = state.policy;
    $('input').addEventListener('input', schedule);
    $('policy').addEventListener('change', policyChanged);
    let tomlTimer = 0;
    $('toml').addEventListener('input', () => {
      clearTimeout(tomlTimer);
      tomlTimer = setTimeout(checkToml, 150);
    });
    policyChanged();
  }

  start();
})();
