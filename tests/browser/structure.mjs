#!/usr/bin/env node
// Structural check of sanitizer outputs in Chromium, batched so that tens
// of thousands of outputs take seconds, not hours:
//
//   - stability in Chromium's own serializer: innerHTML set to the output,
//     read (a), set to a, read (b); a !== b is "unstable"; a !== output is
//     counted as "reserialized differs" (informational);
//   - containment in the page templates of check/src/templates.rs (same
//     markup, checked against that file at start-up), each also nested in
//     64 divs so that Chromium's cap of 512 open elements is near: each
//     whole page is parsed as a document with scripting on, and the probe
//     after the output's wrapper must be the wrapper's next sibling and the
//     wrapper must hold exactly the output (its innerHTML round trip; for
//     noscript, its text is the output itself).
//
//   node structure.mjs --policy NAME=FILE.jsonl ... [--out summary.json]
//        [--expect-clean | --expect-detect N] [--failures FILE] [--nest 64]
//
// Each FILE.jsonl holds {"id", "html"} lines (the CLI's --jsonl output).
// An output that several variants or policies share is checked once.
//
// Why an iframe written with document.open/write/close: DOMParser and
// Document.parseHTMLUnsafe parse with scripting disabled, and then a
// noscript's content is markup, not the raw text a real page sees. The
// frame is same-origin and its document starts with a CSP meta
// (default-src 'none'; script-src 'none'), so nothing in it runs or loads,
// but the scripting flag stays on; start-up checks that a noscript there
// holds a single text node.
//
// Batching: the pages of up to BATCH outputs for one template are written
// one after another in the same document, and the body's innerHTML must be
// exactly the concatenation of what each page's body would serialize to
// if its output were contained (the template markup with the output's
// round trip in the wrapper). Anything an output leaves behind (an open
// element, a formatting element reconstructed later, a raw-text state)
// changes that string, so a batch that matches proves every output in it
// contained; a batch that does not is checked again one document per
// output, with the wrapper-and-probe check, which decides and describes.
//
// Exit status: 0 ok; 1 an --expect-* check failed; 2 usage, start-up or
// self-test failure (the check could not have failed).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import os from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATES_RS = path.join(here, '../../check/src/templates.rs');

// The templates of check/src/templates.rs, in its order: name, markup
// before the output, markup after it, which outputs it is documented safe
// for (any, link-free, phrasing), whether the wrapper holds raw text.
// `wrap` and `probe` are the marks; the browser check gives each a
// per-run nonce and the output's index, so an output cannot forge one.
const TEMPLATES = [
  ['div', '<div data-sm-template=wrap>', '</div><p data-sm-template=probe>after</p>', 'any'],
  ['article', '<main><article data-sm-template=wrap>', '</article><article data-sm-template=probe>next</article></main>', 'any'],
  ['td', '<table><tbody><tr><td data-sm-template=wrap>', '</td><td data-sm-template=probe>next</td></tr></tbody></table>', 'any'],
  ['ul>li>div', '<ul><li class=comment><div data-sm-template=wrap>', '</div><b data-sm-template=probe>posted by alice</b></li><li>next</li></ul>', 'any'],
  ['ol>li', '<ol><li data-sm-template=wrap>', '</li><li data-sm-template=probe>next</li></ol>', 'any'],
  ['dl>dd', '<dl><dt>alice</dt><dd data-sm-template=wrap>', '</dd><dt data-sm-template=probe>bob</dt><dd>next</dd></dl>', 'any'],
  ['blockquote', '<blockquote data-sm-template=wrap>', '</blockquote><p data-sm-template=probe>after</p>', 'any'],
  ['a>div', '<a href=/post/7><div data-sm-template=wrap>', '</div><span data-sm-template=probe>read more</span></a>', 'link-free'],
  ['p', '<p data-sm-template=wrap>', '</p><p data-sm-template=probe>after</p>', 'phrasing'],
  ['noscript', '<noscript data-sm-template=wrap>', '</noscript><p data-sm-template=probe>after</p>', 'any', true],
  ['template', '<template data-sm-template=wrap>', '</template><p data-sm-template=probe>after</p>', 'any'],
].map(([name, before, after, safeFor, rawText = false]) => ({ name, before, after, safeFor, rawText }));

// The start tags that close an open p (templates.rs, closes_p).
const CLOSES_P = [
  'address', 'article', 'aside', 'blockquote', 'center', 'details', 'dialog', 'dir', 'div', 'dl', 'dd', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup',
  'hr', 'li', 'listing', 'main', 'menu', 'nav', 'ol', 'p', 'plaintext', 'pre', 'search', 'section', 'summary',
  'table', 'ul', 'xmp',
];

// Outputs that must fail, and one that must pass, checked at every start:
// a check that passes these wrong is not checking anything.
const SELF_TEST = [
  { html: '<li>x</li>', breaks: ['ul>li>div', 'ol>li'] },
  { html: '<pre>\n\nx</pre>', unstable: true },
  { html: '</noscript><p>x</p>', breaks: ['noscript'] },
  { html: '<a href=/y>x</a>', breaks: ['a>div'] },
  { html: '<div>x</div>', breaks: ['p'] },
  { html: '<table><tbody><tr><td>x</td></tr></tbody></table><td>y', breaks: ['td'] },
  // 460 levels fit in a page; 64 divs more pass Chromium's 512 cap, which
  // flattens the rest.
  { html: '<b>'.repeat(460) + 'x' + '</b>'.repeat(460), breaksNestedOnly: true },
  { html: '<ul><li>x</li></ul><!-- c --><pre>\nx</pre>', clean: true },
];

function usage(msg) {
  if (msg) console.error(`structure: ${msg}`);
  console.error(
    'usage: node structure.mjs --policy NAME=FILE.jsonl... [--out FILE.json] [--failures FILE]\n' +
      '         [--expect-clean | --expect-detect N] [--nest N] [--batch N]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    policies: [],
    out: null,
    failures: null,
    expectClean: false,
    expectDetect: null,
    nest: 64,
    batch: 200,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const need = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--policy': {
        const v = need();
        const at = v.indexOf('=');
        if (at < 1) usage(`--policy wants NAME=FILE, got ${v}`);
        o.policies.push({ name: v.slice(0, at), file: v.slice(at + 1) });
        break;
      }
      case '--out': o.out = need(); break;
      case '--failures': o.failures = need(); break;
      case '--expect-clean': o.expectClean = true; break;
      case '--expect-detect': o.expectDetect = Number(need()); break;
      case '--nest': o.nest = Number(need()); break;
      case '--batch': o.batch = Number(need()); break;
      case '--chromium': o.chromium = need(); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.policies.length) usage('no --policy');
  if (o.expectClean && o.expectDetect !== null) usage('--expect-clean and --expect-detect exclude each other');
  if (!(o.nest >= 0 && o.batch >= 1)) usage('bad --nest or --batch');
  return o;
}

// The JS copy of the templates must be the Rust checker's: each name,
// before and after must appear in templates.rs, in that order, and it must
// list as many templates.
function checkTemplatesMatchRust() {
  const rs = fs.readFileSync(TEMPLATES_RS, 'utf8');
  const lit = (s) => JSON.stringify(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const missing = [];
  for (const t of TEMPLATES) {
    const re = new RegExp(`${lit(t.name)},\\s*(before:\\s*)?${lit(t.before)},\\s*(after:\\s*)?${lit(t.after)}`);
    if (!re.test(rs)) missing.push(t.name);
  }
  const count = /static TEMPLATES: \[Template; (\d+)\]/.exec(rs);
  if (missing.length || !count || Number(count[1]) !== TEMPLATES.length) {
    throw new Error(
      `the templates here differ from ${TEMPLATES_RS}: ` +
        (missing.length ? `not found there: ${missing.join(', ')}` : `it has ${count ? count[1] : '?'} templates`),
    );
  }
}

function readOutputs(file) {
  const out = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const r = JSON.parse(line);
    if (typeof r.html !== 'string') throw new Error(`${file}:${i + 1}: no "html" string`);
    out.push({ id: String(r.id ?? `line-${i + 1}`), html: r.html });
  });
  return out;
}

// ---------------------------------------------------------------- in the page
//
// installChecker runs in the page and defines window.__structure. Output
// markup can clobber document properties (<form name=body> shadows
// document.body, since Document overrides built-ins with named elements),
// so every DOM access goes through accessors taken from the prototypes.
function installChecker({ templates, closesP, nest, nonce }) {
  const own = (proto, name) => Object.getOwnPropertyDescriptor(proto, name);
  const get = (proto, name) => {
    const f = own(proto, name).get;
    return (self) => Reflect.apply(f, self, []);
  };
  const call = (proto, name) => {
    const f = own(proto, name).value;
    return (self, ...args) => Reflect.apply(f, self, args);
  };
  const inner = own(Element.prototype, 'innerHTML');
  const $ = {
    getInner: (el) => Reflect.apply(inner.get, el, []),
    setInner: (el, v) => Reflect.apply(inner.set, el, [v]),
    open: call(Document.prototype, 'open'),
    write: call(Document.prototype, 'write'),
    close: call(Document.prototype, 'close'),
    body: get(Document.prototype, 'body'),
    qsaDoc: call(Document.prototype, 'querySelectorAll'),
    qsaEl: call(Element.prototype, 'querySelectorAll'),
    qsaFrag: call(DocumentFragment.prototype, 'querySelectorAll'),
    getAttribute: call(Element.prototype, 'getAttribute'),
    localName: get(Element.prototype, 'localName'),
    parentNode: get(Node.prototype, 'parentNode'),
    nextSibling: get(Node.prototype, 'nextSibling'),
    childNodes: get(Node.prototype, 'childNodes'),
    nodeType: get(Node.prototype, 'nodeType'),
    data: get(CharacterData.prototype, 'data'),
    content: get(HTMLTemplateElement.prototype, 'content'),
    contentDocument: get(HTMLIFrameElement.prototype, 'contentDocument'),
    createElement: call(Document.prototype, 'createElement'),
    appendChild: call(Node.prototype, 'appendChild'),
    remove: call(Element.prototype, 'remove'),
  };
  const CLOSES_P = new Set(closesP);
  // The page of templates.rs. No CSP meta here: the frame inherits this
  // page's policy (an about:blank frame takes its creator's), and
  // document.open() keeps the document, so a meta written each time would
  // add one more policy per parse (3000 parses took 15 s, growing).
  const HEAD = '<!DOCTYPE html><html><head><title>t</title></head><body>';
  const TAIL = '</body></html>';
  const mark = (kind, i) => `data-sm-template=${nonce}${kind}${i}`;
  const markup = (t, depth, i) => [
    '<div>'.repeat(depth) + t.before.replace('data-sm-template=wrap', mark('w', i)),
    t.after.replace('data-sm-template=probe', mark('p', i)) + '</div>'.repeat(depth),
  ];

  let frame = null;
  // A new frame when the old one is gone or was navigated away (a meta
  // refresh in a raw control output can do that).
  const frameDoc = () => {
    let d = null;
    try {
      d = frame && $.contentDocument(frame);
    } catch (_) {
      d = null;
    }
    if (!d) {
      if (frame) $.remove(frame);
      frame = $.createElement(document, 'iframe');
      $.appendChild($.body(document), frame);
      d = $.contentDocument(frame);
    }
    return d;
  };
  const parse = (html) => {
    const d = frameDoc();
    $.open(d);
    $.write(d, html);
    $.close(d);
    return d;
  };

  // Every element with one of this run's marks, template contents included
  // (after a breakout the wrapper may sit inside the output's template).
  const marked = (d, value) => {
    const found = [];
    const sel = `[data-sm-template="${value}"]`;
    const templatesOf = (list) => Array.from(list).filter((e) => $.localName(e) === 'template');
    const stack = [{ root: d, qsa: $.qsaDoc }];
    while (stack.length) {
      const { root, qsa } = stack.pop();
      found.push(...qsa(root, sel));
      for (const t of templatesOf(qsa(root, 'template'))) stack.push({ root: $.content(t), qsa: $.qsaFrag });
    }
    return found;
  };

  // What the body of a contained page serializes to, around the wrapper's
  // content: found by parsing the page with a placeholder text.
  const PLACEHOLDER = 'SMPLACEHOLDER';
  const frames = new Map();
  const frameOf = (t, depth) => {
    const key = `${t.name}/${depth}`;
    if (!frames.has(key)) {
      const [before, after] = markup(t, depth, 'IDX');
      const body = $.getInner($.body(parse(HEAD + before + PLACEHOLDER + after + TAIL)));
      const parts = body.split(PLACEHOLDER);
      if (parts.length !== 2) throw new Error(`template ${t.name}: placeholder not found once in ${body}`);
      frames.set(key, parts);
    }
    const [pre, post] = frames.get(key);
    return (i, content) => pre.replaceAll('IDX', i) + content + post.replaceAll('IDX', i);
  };

  // One output alone in one page: the wrapper-and-probe check of
  // templates.rs. Returns null, or what went wrong.
  const single = (t, depth, out, again) => {
    const [before, after] = markup(t, depth, 0);
    const d = parse(HEAD + before + out + after + TAIL);
    const wraps = marked(d, `${nonce}w0`);
    const probes = marked(d, `${nonce}p0`);
    if (wraps.length !== 1 || probes.length !== 1) return `${wraps.length} wrappers and ${probes.length} probes in the page`;
    const [wrap, probe] = [wraps[0], probes[0]];
    if ($.nextSibling(wrap) !== probe) {
      const p = $.parentNode(probe);
      return `the probe is not the wrapper's next sibling (its parent is <${p && $.nodeType(p) === 1 ? $.localName(p) : '#document'}>)`;
    }
    let held;
    let want = again;
    if (t.rawText) {
      held = Array.from($.childNodes(wrap))
        .filter((n) => $.nodeType(n) === 3)
        .map((n) => $.data(n))
        .join('');
      want = out;
    } else {
      // innerHTML of a template element serializes its content.
      held = $.getInner(wrap);
    }
    if (held !== want) {
      let k = 0;
      while (k < held.length && held[k] === want[k]) k++;
      const clip = (s) => JSON.stringify(s.slice(Math.max(0, k - 30), k + 50));
      return `the wrapper holds other markup: at ${k} expected ${clip(want)}, found ${clip(held)}`;
    }
    return null;
  };

  // Outputs for one template and depth, batch by batch; a batch whose body
  // is not exactly the contained serialization is checked output by
  // output. Returns a failure description per output (null when contained).
  const contained = (t, depth, items, batch) => {
    const wrapFor = frameOf(t, depth);
    const result = new Array(items.length).fill(null);
    for (let s = 0; s < items.length; s += batch) {
      const part = items.slice(s, s + batch);
      const html = part
        .map((it, i) => {
          const [before, after] = markup(t, depth, i);
          return before + it.out + after;
        })
        .join('');
      const want = part.map((it, i) => wrapFor(i, t.rawText ? it.out : it.again)).join('');
      const got = $.getInner($.body(parse(HEAD + html + TAIL)));
      if (got === want) continue;
      part.forEach((it, i) => {
        result[s + i] = single(t, depth, it.out, it.again);
      });
    }
    return result;
  };

  const scratch = $.createElement(document, 'div');
  const names = (el) => {
    const out = new Set();
    const stack = [{ root: el, qsa: $.qsaEl }];
    while (stack.length) {
      const { root, qsa } = stack.pop();
      for (const e of qsa(root, '*')) {
        const n = $.localName(e);
        out.add(n);
        if (n === 'template') stack.push({ root: $.content(e), qsa: $.qsaFrag });
      }
    }
    return out;
  };

  window.__structure = {
    // outputs: strings. Per output: the round trip, stability, which
    // templates are documented safe for it, and per template and depth
    // the failure (or null).
    check(outputs, batch) {
      const items = outputs.map((out) => {
        $.setInner(scratch, out);
        const again = $.getInner(scratch);
        const found = names(scratch);
        $.setInner(scratch, again);
        const twice = $.getInner(scratch);
        return {
          out,
          again,
          unstable: again !== twice ? twice : null,
          differs: again !== out,
          hasA: found.has('a'),
          closesP: [...found].some((n) => CLOSES_P.has(n)),
        };
      });
      const depths = nest > 0 ? [0, nest] : [0];
      const breaks = items.map(() => []);
      const safe = (t, it) => (t.safeFor === 'link-free' ? !it.hasA : t.safeFor === 'phrasing' ? !it.closesP : true);
      for (const t of templates) {
        const mine = items.map((it, i) => i).filter((i) => safe(t, items[i]));
        for (const depth of depths) {
          contained(t, depth, mine.map((i) => items[i]), batch).forEach((fail, k) => {
            if (fail) breaks[mine[k]].push({ template: t.name, depth, detail: fail });
          });
        }
        // Outputs the template is not documented safe for mostly break
        // out, so batching them would only cost a wasted parse: each is
        // parsed alone, to count what happens, and only at depth 0 (the
        // depth changes nothing about a link or a block in a p).
        items.forEach((it, i) => {
          if (safe(t, it)) return;
          const fail = single(t, 0, it.out, it.again);
          if (fail) breaks[i].push({ template: t.name, depth: 0, detail: fail });
        });
      }
      $.setInner(scratch, '');
      return items.map((it, i) => ({
        again: it.again,
        unstable: it.unstable,
        differs: it.differs,
        hasA: it.hasA,
        closesP: it.closesP,
        breaks: breaks[i],
      }));
    },
    // The frame's CSP blocks script: an inline script written into it
    // would run during the write.
    scriptBlocked() {
      window.__smRan = false;
      parse(HEAD + '<script>parent.__smRan = true</script>' + TAIL);
      return window.__smRan === false;
    },
    // With scripting on, a noscript holds one text node.
    noscriptIsRawText() {
      const d = parse(HEAD + '<noscript id=n><b>x</b></noscript>' + TAIL);
      const n = $.qsaDoc(d, '#n')[0];
      const kids = Array.from($.childNodes(n));
      return kids.length === 1 && $.nodeType(kids[0]) === 3 && $.data(kids[0]) === '<b>x</b>';
    },
  };
}

// ---------------------------------------------------------------- main

function documentedSafe(t, r) {
  if (t.safeFor === 'link-free') return !r.hasA;
  if (t.safeFor === 'phrasing') return !r.closesP;
  return true;
}

// Chromium driven over the DevTools protocol on a pipe, not through
// Playwright: Playwright follows every frame's lifecycle, and each
// document.open() in the checking frame costs it so much that 1000 parses
// took 12 s instead of 0.3 s (and grew with each thousand). Here only the
// Runtime domain is used: nothing is reported per parse.
async function launch(opts) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'structure-'));
  const proc = spawn(
    opts.chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      // Nothing resolves: no output can reach the network.
      '--host-resolver-rules=MAP * ~NOTFOUND',
      // No image is ever fetched: outputs are parsed by the thousand.
      '--blink-settings=imagesEnabled=false',
      'about:blank',
    ],
    // fd 3: commands to Chromium; fd 4: its answers (NUL-terminated JSON).
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const pending = new Map();
  let nextId = 0;
  let buffered = '';
  let dead = null;
  proc.stdio[4].on('data', (d) => {
    buffered += d;
    let at;
    while ((at = buffered.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
      const p = msg.id !== undefined && pending.get(msg.id);
      if (!p) continue;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    }
  });
  proc.on('exit', (code, signal) => {
    dead = new Error(`Chromium exited (${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      const id = ++nextId;
      pending.set(id, { resolve, reject, method });
      proc.stdio[3].write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    });
  const close = async () => {
    await send('Browser.close').catch(() => {});
    if (!dead) await new Promise((r) => proc.once('exit', r));
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { send, close };
}

async function openChecker(opts) {
  const cdp = await launch(opts);
  const { product } = await cdp.send('Browser.getVersion');
  const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
  const run = async (expression) => {
    const r = await cdp.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
    if (r.exceptionDetails) {
      const e = r.exceptionDetails;
      throw new Error(`in the page: ${e.exception?.description || e.text}`);
    }
    return r.result.value;
  };
  // The page's own CSP: outputs parsed by innerHTML here must not run or
  // load anything either.
  await run(
    `document.open(); document.write(${JSON.stringify(
      `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" ` +
        `content="default-src 'none'; script-src 'none'"></head><body></body></html>`,
    )}); document.close(); true`,
  );
  const nonce = 'sm' + crypto.randomBytes(6).toString('hex');
  const args = { templates: TEMPLATES, closesP: CLOSES_P, nest: opts.nest, nonce };
  await run(`(${installChecker})(${JSON.stringify(args)}); true`);
  if (!(await run('window.__structure.scriptBlocked()'))) {
    throw new Error('a script written into the checking frame ran: its CSP is missing');
  }
  if (!(await run('window.__structure.noscriptIsRawText()'))) {
    throw new Error('a noscript in the checking frame is not raw text: the frame has scripting off');
  }
  return { run, close: cdp.close, version: product };
}

// Sends outputs to the page in chunks of about 2 MB.
async function checkAll(checker, outputs, batch, progress) {
  const results = [];
  let i = 0;
  while (i < outputs.length) {
    let j = i;
    let bytes = 0;
    while (j < outputs.length && (j === i || (bytes + outputs[j].length < 2e6 && j - i < 2000))) bytes += outputs[j++].length;
    const chunk = outputs.slice(i, j);
    results.push(...(await checker.run(`window.__structure.check(${JSON.stringify(chunk)}, ${batch})`)));
    i = j;
    progress(i);
  }
  return results;
}

async function selfTest(checker, batch) {
  const results = await checkAll(checker, SELF_TEST.map((c) => c.html), batch, () => {});
  const wrong = [];
  SELF_TEST.forEach((c, i) => {
    const r = results[i];
    const broke = new Set(r.breaks.filter((b) => b.depth === 0).map((b) => b.template));
    const nestedOnly = r.breaks.some((b) => b.depth > 0) && !broke.size;
    const safeBreaks = r.breaks.filter((b) => documentedSafe(TEMPLATES.find((t) => t.name === b.template), r));
    if (c.clean && (r.unstable !== null || safeBreaks.length)) {
      wrong.push(`${JSON.stringify(c.html)} was flagged: ${JSON.stringify(r.unstable ?? safeBreaks)}`);
    }
    if (c.unstable && r.unstable === null) wrong.push(`${JSON.stringify(c.html)} was not unstable`);
    for (const t of c.breaks || []) if (!broke.has(t)) wrong.push(`${JSON.stringify(c.html)} did not break out of ${t}`);
    if (c.breaksNestedOnly && !nestedOnly) wrong.push(`${JSON.stringify(c.html).slice(0, 20)}… was not flattened only when nested`);
  });
  if (wrong.length) throw new Error(`self-test: the check misses known-bad outputs: ${wrong.join('; ')}`);
}

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  checkTemplatesMatchRust();
  const policies = opts.policies.map((p) => ({ ...p, records: readOutputs(p.file) }));
  // Each distinct output once, whichever variants and policies share it.
  const index = new Map();
  const unique = [];
  for (const p of policies) {
    p.at = p.records.map((r) => {
      if (!index.has(r.html)) {
        index.set(r.html, unique.length);
        unique.push(r.html);
      }
      return index.get(r.html);
    });
  }
  const checker = await openChecker(opts);
  const version = checker.version;
  let results;
  try {
    await selfTest(checker, opts.batch);
    const tty = process.stderr.isTTY;
    results = await checkAll(checker, unique, opts.batch, (n) => {
      if (tty) process.stderr.write(`\rstructure: ${n}/${unique.length} distinct outputs`);
    });
    if (tty) process.stderr.write('\n');
  } finally {
    await checker.close();
  }

  // Counts per policy, per template and depth.
  const depths = opts.nest > 0 ? [0, opts.nest] : [0];
  const failures = [];
  const summary = { chromium: version, nest: opts.nest, distinct: unique.length, policies: [] };
  for (const p of policies) {
    const s = { name: p.name, outputs: p.records.length, distinct: new Set(p.at).size, unstable: 0, differs: 0, templates: {} };
    for (const t of TEMPLATES) for (const d of depths) s.templates[`${t.name}/${d}`] = { checked: 0, breakouts: 0, other: 0, otherBreakouts: 0 };
    p.records.forEach((rec, k) => {
      const r = results[p.at[k]];
      if (r.unstable !== null) {
        s.unstable++;
        failures.push({ policy: p.name, id: rec.id, kind: 'unstable', output: rec.html, first: r.again, second: r.unstable });
      }
      if (r.differs) s.differs++;
      for (const t of TEMPLATES) {
        for (const d of depths) {
          const c = s.templates[`${t.name}/${d}`];
          const broke = r.breaks.find((b) => b.template === t.name && b.depth === d);
          if (documentedSafe(t, r)) {
            c.checked++;
            if (broke) {
              c.breakouts++;
              failures.push({ policy: p.name, id: rec.id, kind: 'breakout', template: t.name, depth: d, detail: broke.detail, output: rec.html });
            }
          } else if (d === 0) {
            c.other++;
            if (broke) c.otherBreakouts++;
          }
        }
      }
    });
    summary.policies.push(s);
  }
  summary.seconds = Math.round((Date.now() - started) / 1000);

  printTable(summary, TEMPLATES, depths);
  if (opts.out) fs.writeFileSync(opts.out, JSON.stringify({ ...summary, failures: failures.slice(0, 5000) }, null, 1) + '\n');
  if (opts.failures) {
    fs.writeFileSync(
      opts.failures,
      failures
        .map((f) => JSON.stringify(f))
        .join('\n') + (failures.length ? '\n' : ''),
    );
  }

  const total = (k) => summary.policies.reduce((n, s) => n + (k === 'unstable' ? s.unstable : Object.values(s.templates).reduce((m, c) => m + c.breakouts, 0)), 0);
  const unstable = total('unstable');
  const breakouts = total('breakouts');
  console.log(`structure: ${summary.distinct} distinct outputs, ${summary.seconds} s (Chromium ${version})`);
  if (opts.expectClean) {
    if (unstable || breakouts) {
      console.log(`FAIL structure: ${unstable} unstable output(s), ${breakouts} breakout(s) in templates documented safe:`);
      for (const f of failures.slice(0, 20)) {
        const where = f.kind === 'breakout' ? `${f.template}${f.depth ? ` in ${f.depth} divs` : ''}: ${f.detail}` : `second round trip ${JSON.stringify(f.second.slice(0, 120))}`;
        console.log(`  ${f.policy} ${f.id} ${f.kind} ${where}\n    output ${JSON.stringify(f.output.slice(0, 160))}`);
      }
      return 1;
    }
    console.log('ok structure: every output stable and contained in every template documented safe for it');
  }
  if (opts.expectDetect !== null) {
    const found = new Set(failures.map((f) => `${f.policy}\n${f.id}`)).size;
    if (found < opts.expectDetect) {
      console.log(`FAIL structure: only ${found} outputs unstable or breaking out; expected at least ${opts.expectDetect}`);
      return 1;
    }
    console.log(`ok structure: ${found} outputs unstable or breaking out (threshold ${opts.expectDetect})`);
  }
  return 0;
}

function printTable(summary, templates, depths) {
  const names = summary.policies.map((s) => s.name);
  const w = Math.max(16, ...names.map((n) => n.length + 2));
  const head = (label) => console.log(pad(label, 22) + names.map((n) => pad(n, w)).join(''));
  console.log(`\n== structure: outputs checked / breakouts, per template (nested: inside ${summary.nest} divs)`);
  head('');
  const row = (label, f) => console.log(pad(label, 22) + summary.policies.map((s) => pad(f(s), w)).join(''));
  row('outputs (distinct)', (s) => `${s.outputs} (${s.distinct})`);
  row('unstable', (s) => s.unstable);
  row('reserialized differs', (s) => s.differs);
  for (const t of templates) {
    for (const d of depths) {
      const label = d ? `${t.name} nested` : t.name;
      row(label, (s) => {
        const c = s.templates[`${t.name}/${d}`];
        return `${c.checked}/${c.breakouts}`;
      });
      if (t.safeFor !== 'any' && !d) {
        row(`  (not safe for)`, (s) => {
          const c = s.templates[`${t.name}/${d}`];
          return `${c.other}/${c.otherBreakouts}`;
        });
      }
    }
  }
  console.log('');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`structure: ${e.stack || e}`);
    process.exit(2);
  },
);
