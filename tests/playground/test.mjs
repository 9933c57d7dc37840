// The playground page of `safe-markup serve`, in headless Chromium: type a
// post and see the output, preview and report follow; select a report
// entry and see its span marked in the input; reopen the page from its
// link; get a policy error at its line; then paste every vector of the
// XSS corpus and check that the preview never runs script.
//
//   node test.mjs [--bin PATH] [--corpus DIR] [--out DIR]
//
// Needs Debian's chromium (CHROMIUM=/path to override) and a built
// safe-markup binary (default: target/debug/safe-markup, as `cargo test`
// leaves it). UPDATE_SCREENSHOT=1 rewrites screenshot.png beside this file,
// the picture the README shows.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const bin = option('--bin', process.env.SAFE_MARKUP_BIN || path.join(root, 'target/debug/safe-markup'));
const corpus = option('--corpus', path.join(root, 'corpus/xss'));
const out = option('--out', path.join(root, 'target/playground'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let failures = 0;
let passes = 0;
function check(ok, what, detail = '') {
  if (ok) { passes++; return; }
  failures++;
  console.error(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
}

// ---- the service, on a free loopback port ----

function startServer() {
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--preset', 'ugc', '--preset', 'strict'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start in 20 s')), 20000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the service exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (!m) reject(new Error(`unexpected first line: ${line}`));
      else resolve({ child, origin: m[1] });
    });
  });
}

async function cleanViaApi(origin, html, policy = 'ugc') {
  const response = await fetch(`${origin}/v1/clean`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ html, policy, report: true }),
  });
  return response.json();
}

// ---- the page ----

const seqOf = (page) => page.evaluate(() => Number(document.body.dataset.seq || 0));

// Sets the input as a paste would and waits until the results shown are
// for exactly this input (the marked copy of the input shows it).
async function enter(page, text) {
  const before = await seqOf(page);
  await page.fill('#input', text);
  // The textarea's value, which normalizes line breaks (CR LF to LF).
  await page.waitForFunction(
    (before) => Number(document.body.dataset.seq || 0) > before &&
      document.getElementById('marked').textContent === document.getElementById('input').value,
    before,
    { timeout: 10000 },
  );
}

// Resolves once the preview iframe has loaded its current srcdoc.
function previewLoaded(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const frame = document.getElementById('preview');
    const timer = setTimeout(() => resolve(false), 2000);
    frame.addEventListener('load', () => { clearTimeout(timer); resolve(true); }, { once: true });
  }));
}

async function main() {
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}`);
  if (!fs.existsSync(bin)) throw new Error(`no safe-markup binary at ${bin} (cargo build first)`);
  fs.mkdirSync(out, { recursive: true });
  const started = Date.now();
  const { child, origin } = await startServer();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      // Nothing but the local service resolves.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Evidence that script ran anywhere: hooked dialogs and sinks (in every
    // frame where script can run at all), real dialogs, requests leaving
    // the service, and preview navigations.
    const hits = [];
    let current = 'setup';
    await context.exposeBinding('__xssHit', ({ frame }, name) => {
      hits.push({ name, frame: frame.url(), vector: current });
    });
    await context.exposeBinding('__current', (_source, id) => { current = id; });
    await context.addInitScript(() => {
      for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
        const hit = window.__xssHit;
        window[name] = (...args) => { hit(name); return null; };
      }
    });
    const page = await context.newPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    const foreign = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('about:')) {
        foreign.push({ request: r, url, type: r.resourceType(), frame: r.frame().url(), vector: current });
      }
    });
    const navigations = [];
    page.on('framenavigated', (f) => {
      // The empty iframe's first document is about:blank, before any srcdoc.
      const initial = f.url() === 'about:blank' && current === 'setup';
      if (f !== page.mainFrame() && f.url() !== 'about:srcdoc' && !initial) {
        navigations.push({ url: f.url(), vector: current });
      }
    });

    // Control: the hooks catch a call, so their silence below means something.
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => Number(document.body.dataset.seq || 0) >= 1);
    await page.evaluate(() => window.alert('control'));
    check(hits.length === 1 && hits[0].name === 'alert', 'the alert hook catches a call', JSON.stringify(hits));
    hits.length = 0;

    // Type a post: output, preview and report follow the typing.
    const post = '<p>Hi <b onclick="steal()">there</b>, see <a href="javascript:go()">this</a></p><script>bad()</script>';
    await page.fill('#input', '');
    await page.type('#input', post, { delay: 2 });
    await page.waitForFunction(
      (text) => document.getElementById('marked').textContent === text, post, { timeout: 10000 });
    const expected = await cleanViaApi(origin, post);
    check(await page.textContent('#output') === expected.html, 'the output is the service\'s clean',
      await page.textContent('#output'));
    const srcdoc = await page.getAttribute('#preview', 'srcdoc');
    check(srcdoc.endsWith(expected.html) && srcdoc.includes('Content-Security-Policy'),
      'the preview shows the cleaned HTML under its own CSP', srcdoc);
    check(await page.getAttribute('#preview', 'sandbox') === '', 'the preview is sandboxed with no allowances');
    const preview = page.frameLocator('#preview');
    check(await preview.locator('b').textContent() === 'there', 'the preview renders the cleaned markup');
    const entries = await page.locator('#report li').count();
    check(entries === expected.report.changes.length && entries >= 3, 'every report entry is listed',
      `${entries} vs ${expected.report.changes.length}`);
    check(/ms/.test(await page.textContent('#timing')), 'the clean time is shown');
    check(await page.locator('#diff .del').count() > 0, 'the diff shows what was removed');

    // Select a report entry: its span is marked in the input.
    const index = expected.report.changes.findIndex((c) => c.name === 'onclick');
    await page.click(`#report button[data-index="${index}"]`);
    const span = expected.report.changes[index].span;
    const want = Buffer.from(post).subarray(span.start, span.end).toString();
    check(await page.textContent('#marked mark') === want, 'the selected change is marked in the input',
      `${await page.textContent('#marked mark')} vs ${want}`);
    const selection = await page.evaluate(() => {
      const t = document.getElementById('input');
      return t.value.slice(t.selectionStart, t.selectionEnd);
    });
    check(selection === want, 'the selected change is selected in the textarea', selection);
    await page.screenshot({ path: path.join(out, 'playground.png') });
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await page.screenshot({ path: path.join(here, 'screenshot.png'), clip: { x: 0, y: 0, width: 1280, height: 530 } });
    }

    // The link reproduces the page: same input, policy, output.
    await page.selectOption('#policy', 'strict');
    await page.waitForFunction((html) => document.getElementById('output').textContent !== html, expected.html);
    const link = page.url();
    const strictOutput = await page.textContent('#output');
    const second = await context.newPage();
    await second.goto(link);
    await second.waitForFunction(() => Number(document.body.dataset.seq || 0) >= 1);
    check(await second.inputValue('#input') === post, 'the link restores the input');
    check(await second.inputValue('#policy') === 'strict', 'the link restores the policy');
    check(await second.textContent('#output') === strictOutput, 'the link restores the output');
    await second.close();

    // A TOML policy that does not build: the error names its line.
    await page.selectOption('#policy', '(custom TOML)');
    await page.fill('#toml', 'preset = "ugc"\n\ntags = ["p",\n  "script"]\n');
    await page.waitForFunction(() => /line 4/.test(document.getElementById('toml-error').textContent), null,
      { timeout: 10000 });
    check(await page.textContent('#toml-lines .error-line') === '  4    "script"]\n',
      'the line of the error is marked', await page.textContent('#toml-lines .error-line'));
    await page.fill('#toml', 'tags = ["p"]\n');
    await page.waitForFunction(() => document.getElementById('toml-error').textContent === '');
    await enter(page, '<p>one <b>two</b></p>');
    check(await page.textContent('#output') === '<p>one two</p>', 'a custom policy cleans',
      await page.textContent('#output'));
    await page.selectOption('#policy', 'ugc');

    // Every XSS vector, pasted: nothing runs in the preview.
    let vectors = [];
    for (const file of fs.readdirSync(corpus).filter((f) => f.endsWith('.jsonl')).sort()) {
      for (const line of fs.readFileSync(path.join(corpus, file), 'utf8').split('\n')) {
        if (line.trim()) vectors.push(JSON.parse(line));
      }
    }
    // XSS_LIMIT=N: only the first N vectors, for a quick local run.
    if (process.env.XSS_LIMIT) vectors = vectors.slice(0, Number(process.env.XSS_LIMIT));
    // Pasted in the page itself, a chunk of vectors per call (one
    // round trip to the browser per vector took over two minutes): set
    // the value, fire `input` as a paste does, wait for the results and
    // the preview's load.
    let unloaded = 0;
    for (let i = 0; i < vectors.length; i += 50) {
      const chunk = vectors.slice(i, i + 50).map((v) => [v.id, v.input]);
      unloaded += await page.evaluate(async (chunk) => {
        const input = document.getElementById('input');
        const frame = document.getElementById('preview');
        const seq = () => Number(document.body.dataset.seq || 0);
        let unloaded = 0;
        for (const [id, text] of chunk) {
          await window.__current(id);
          const before = seq();
          const loaded = new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), 2000);
            frame.addEventListener('load', () => { clearTimeout(timer); resolve(true); }, { once: true });
          });
          input.value = text;
          input.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste' }));
          const start = Date.now();
          while (!(seq() > before && document.getElementById('marked').textContent === input.value)) {
            if (Date.now() - start > 10000) throw new Error(`no result for ${id}`);
            await new Promise((r) => setTimeout(r, 1));
          }
          if (!(await loaded)) unloaded++;
        }
        return unloaded;
      }, chunk);
    }
    // Give late events (timers, load handlers, media) a moment to fire.
    await page.waitForTimeout(500);
    check(process.env.XSS_LIMIT || vectors.length > 900, 'the corpus is there', `${vectors.length} vectors`);
    check(hits.length === 0, 'no hooked sink was called', JSON.stringify(hits.slice(0, 5)));
    check(dialogs.length === 0, 'no dialog opened', JSON.stringify(dialogs.slice(0, 5)));
    // Chromium reports a fetch that CSP refuses as a request that failed
    // with "csp": the preview's policy stopped it before any
    // connection. Anything else left the service.
    const escaped = [];
    for (const f of foreign) {
      const failure = f.request.failure();
      if (!failure || !/^csp$|ERR_BLOCKED_BY_CSP/.test(failure.errorText)) {
        escaped.push({ ...f, request: undefined, failure: failure && failure.errorText });
      }
    }
    check(escaped.length === 0, 'no request left the service (other than ones CSP blocked)',
      JSON.stringify(escaped.slice(0, 5)));
    check(navigations.length === 0, 'the preview never navigated', JSON.stringify(navigations.slice(0, 5)));
    console.log(`playground: ${vectors.length} XSS vectors pasted; previews that fired no load event: ${unloaded}; ` +
      `${foreign.length} fetches blocked by the preview's CSP`);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
  console.log(`playground: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passes} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch((err) => {
  console.error(`playground: ${err.stack || err}`);
  process.exit(2);
});
