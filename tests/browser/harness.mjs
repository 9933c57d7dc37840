#!/usr/bin/env node
// Browser harness: renders HTML fragments in headless Chromium and reports
// whether any of them ran script, left something dangerous in the live DOM,
// or changed when the browser re-parsed its own serialization (mutation XSS).
//
//   node harness.mjs INPUT.jsonl --label ugc --schemes http,https,mailto \
//        [--out summary.json] [--expect-clean | --expect-detect N] [--expect-n N]
//        [--concurrency K] [--wait-ms MS] [--max-targets N] [--only ID,ID]
//        [--fresh context|page|document] [--cache FILE.json]
//   node harness.mjs --table a.json b.json ...     (combined counts table)
//
// INPUT.jsonl holds lines {"id": ..., "html": "..."} (the CLI's --jsonl
// output has this shape; extra keys are ignored).
//
// One browser is shared. Each vector is rendered twice, each time in a new
// document on a local http origin (127.0.0.1, random port):
//   document  the html served as the body of a page, followed by a sentinel
//             <span> (containment check);
//   fragment  a blank page whose <div id=host> gets the html via innerHTML.
// By default (--fresh page) each vector gets a new page (tab) in which the
// two documents are loaded one after the other; --fresh context also makes
// a new browser context per vector; --fresh document reuses one page per
// worker for up to 100 vectors (a new document per mode) and starts a new
// context after any vector that ran script, navigated or errored.
//
// In every document, alert/confirm/prompt/print are hooked before any page
// script runs; dialogs, page errors, popups, script CSP violations (from a
// report-only header) and javascript: link/form navigations are recorded as
// "executed"; events are dispatched to every element; the live DOM is
// inspected before and after the events for dangers; the fragment's
// innerHTML is parsed again and must serialize the same ("unstable"
// otherwise).
//
// --cache FILE.json: a vector whose html was already checked with the same
// schemes (earlier in this run, or by an earlier run that wrote FILE) takes
// that check's record instead of being rendered again. Policies clean many
// vectors to the same output (to nothing, or to the same escaped text), so
// a shared cache roughly halves the suite; records that errored are never
// cached.
//
// Exit status: 0 ok; 1 an --expect-* check failed; 2 usage or harness error.

import crypto from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Nothing but the local server resolves: external loads fail at once
  // instead of waiting on a closed network.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

// ---------------------------------------------------------------- arguments

function usage(msg) {
  if (msg) console.error(`harness: ${msg}`);
  console.error(
    'usage: node harness.mjs INPUT.jsonl --label NAME --schemes a,b,c [--out FILE.json]\n' +
      '         [--expect-clean | --expect-detect N] [--expect-n N] [--concurrency K]\n' +
      '         [--wait-ms MS] [--max-targets N] [--only ID,ID,...] [--fresh context|page|document]\n' +
      '       node harness.mjs --table SUMMARY.json...',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    input: null,
    label: null,
    schemes: null,
    out: null,
    expectClean: false,
    expectDetect: null,
    expectN: null,
    concurrency: Number(process.env.HARNESS_CONCURRENCY || 4),
    waitMs: 80,
    maxTargets: 2000,
    only: null,
    table: null,
    fresh: process.env.HARNESS_FRESH || 'page',
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    timeoutMs: 30000,
  };
  const need = (i) => {
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--label': o.label = need(i); i++; break;
      case '--schemes': o.schemes = need(i); i++; break;
      case '--out': o.out = need(i); i++; break;
      case '--expect-clean': o.expectClean = true; break;
      case '--expect-detect': o.expectDetect = Number(need(i)); i++; break;
      case '--expect-n': o.expectN = Number(need(i)); i++; break;
      case '--concurrency': o.concurrency = Number(need(i)); i++; break;
      case '--wait-ms': o.waitMs = Number(need(i)); i++; break;
      case '--max-targets': o.maxTargets = Number(need(i)); i++; break;
      case '--timeout-ms': o.timeoutMs = Number(need(i)); i++; break;
      case '--fresh': o.fresh = need(i); i++; break;
      case '--only': o.only = new Set(need(i).split(',')); i++; break;
      case '--chromium': o.chromium = need(i); i++; break;
      case '--cache': o.cache = need(i); i++; break;
      case '--table': o.table = argv.slice(i + 1); i = argv.length; break;
      case '-h':
      case '--help': usage(); break;
      default:
        if (a.startsWith('-')) usage(`unknown option ${a}`);
        if (o.input) usage('only one input file');
        o.input = a;
    }
  }
  if (o.table) return o;
  if (!o.input) usage('no input file');
  if (o.schemes === null) usage('--schemes is required (use --schemes "" for none)');
  o.schemes = o.schemes.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!o.label) o.label = path.basename(o.input).replace(/\.jsonl$/, '');
  if (o.expectClean && o.expectDetect !== null) usage('--expect-clean and --expect-detect exclude each other');
  if (!['context', 'page', 'document'].includes(o.fresh)) usage('--fresh is context, page or document');
  for (const k of ['concurrency', 'waitMs', 'maxTargets', 'timeoutMs', 'expectDetect', 'expectN']) {
    if (o[k] !== null && (!Number.isFinite(o[k]) || o[k] < 0)) usage(`bad value for ${k}`);
  }
  if (o.concurrency < 1) o.concurrency = 1;
  return o;
}

// ---------------------------------------------------------------- input

function readVectors(file, only) {
  const out = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON: ${e.message}`);
    }
    const html = rec.html ?? rec.input;
    if (typeof html !== 'string') throw new Error(`${file}:${i + 1}: no "html" string`);
    const id = rec.id === undefined ? `line-${i + 1}` : String(rec.id);
    if (only && !only.has(id)) return;
    out.push({ id, html });
  });
  return out;
}

// ---------------------------------------------------------------- local server

const BLANK_PAGE =
  '<!doctype html><html data-harness=""><head data-harness=""><title data-harness="">blank</title></head>' +
  '<body data-harness=""><div id="host" data-harness=""></div></body></html>';

const SENTINEL = '<span id="harness-sentinel" data-harness="">end</span>';

function documentPage(html) {
  return `<!doctype html><html><head></head><body>${html}${SENTINEL}</body></html>`;
}

function startServer(vectors) {
  const server = http.createServer((req, res) => {
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Report-only: blocks nothing, but each script the page runs from
      // markup (inline <script>, javascript: URL, eval) raises a
      // securitypolicyviolation event that the init script records.
      'content-security-policy-report-only': "script-src 'none'",
    };
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/blank') {
      res.writeHead(200, headers);
      res.end(BLANK_PAGE);
      return;
    }
    const m = /^\/doc\/(\d+)$/.exec(url.pathname);
    if (m && vectors[Number(m[1])]) {
      res.writeHead(200, headers);
      res.end(documentPage(vectors[Number(m[1])].html));
      return;
    }
    // Images, scripts, frames and links the vectors point at: not found.
    res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    res.end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------- in-page code
//
// Everything below runs inside the page. Markup can clobber DOM properties
// (<img name=createElement> shadows document.createElement, <input
// name=attributes> shadows form.attributes), so DOM access goes through the
// native accessors captured by natives(), never through properties.

function natives() {
  const d = (proto, name) => Object.getOwnPropertyDescriptor(proto, name);
  const getter = (proto, name) => {
    const f = d(proto, name).get;
    return (self) => Reflect.apply(f, self, []);
  };
  const method = (proto, name) => {
    const f = d(proto, name).value;
    return (self, ...args) => Reflect.apply(f, self, args);
  };
  const innerHTML = d(Element.prototype, 'innerHTML');
  const styleOwners = [globalThis.HTMLElement, globalThis.SVGElement, globalThis.MathMLElement].filter(Boolean);
  const focusOwners = styleOwners;
  const cssText = getter(CSSStyleDeclaration.prototype, 'cssText');
  return {
    qsaDoc: method(Document.prototype, 'querySelectorAll'),
    qsaFrag: method(DocumentFragment.prototype, 'querySelectorAll'),
    shadowRoot: getter(Element.prototype, 'shadowRoot'),
    localName: getter(Element.prototype, 'localName'),
    ns: getter(Element.prototype, 'namespaceURI'),
    attributes: getter(Element.prototype, 'attributes'),
    hasAttribute: method(Element.prototype, 'hasAttribute'),
    getAttribute: method(Element.prototype, 'getAttribute'),
    getAttributeNS: method(Element.prototype, 'getAttributeNS'),
    attrName: getter(Attr.prototype, 'name'),
    attrValue: getter(Attr.prototype, 'value'),
    parentNode: getter(Node.prototype, 'parentNode'),
    nodeType: getter(Node.prototype, 'nodeType'),
    lastChild: getter(Node.prototype, 'lastChild'),
    textContent: getter(Node.prototype, 'textContent'),
    baseURI: getter(Node.prototype, 'baseURI'),
    body: getter(Document.prototype, 'body'),
    getElementById: method(Document.prototype, 'getElementById'),
    createElement: method(Document.prototype, 'createElement'),
    getInner: (el) => Reflect.apply(innerHTML.get, el, []),
    setInner: (el, v) => Reflect.apply(innerHTML.set, el, [v]),
    dispatch: method(EventTarget.prototype, 'dispatchEvent'),
    attrs(el) {
      return Array.from(this.attributes(el), (a) => [this.attrName(a), this.attrValue(a)]);
    },
    styleText(el) {
      for (const P of styleOwners) {
        if (el instanceof P) {
          const s = Reflect.apply(d(P.prototype, 'style').get, el, []);
          return s ? cssText(s) : '';
        }
      }
      return '';
    },
    focusBlur(el) {
      for (const P of focusOwners) {
        if (el instanceof P) {
          Reflect.apply(d(P.prototype, 'focus').value, el, [{ preventScroll: true }]);
          Reflect.apply(d(P.prototype, 'blur').value, el, []);
          return;
        }
      }
    },
    // Every element of the document, open shadow roots included.
    allElements() {
      const out = [];
      const walk = (list) => {
        for (const el of list) {
          out.push(el);
          const sr = this.shadowRoot(el);
          if (sr) walk(this.qsaFrag(sr, '*'));
        }
      };
      walk(this.qsaDoc(document, '*'));
      return out;
    },
  };
}

// Runs in every frame before any of its own script. Hooks the dialog
// functions and records script CSP violations and javascript: navigations;
// blocks every other link and form navigation so the page stays put while
// events are dispatched. Reports through the exposed binding.
function initScript() {
  const w = window;
  const binding = () => w.__harnessReport;
  const report = (x) => {
    try {
      binding()(x);
    } catch (_) {
      /* binding gone: nothing to do */
    }
  };
  const str = (v) => {
    try {
      return String(v).slice(0, 200);
    } catch (_) {
      return '?';
    }
  };
  const inFrame = (() => {
    try {
      return w !== w.top;
    } catch (_) {
      return true;
    }
  })();
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const fake = function (...args) {
      report({ kind: 'call', fn: name, args: args.map(str), frame: inFrame ? str(location.href) : undefined });
      return name === 'confirm' ? false : name === 'prompt' ? null : undefined;
    };
    try {
      Object.defineProperty(w, name, { value: fake, writable: true, configurable: true });
    } catch (_) {
      w[name] = fake;
    }
  }
  const getAttribute = Element.prototype.getAttribute;
  const getAttributeNS = Element.prototype.getAttributeNS;
  const localNameOf = Object.getOwnPropertyDescriptor(Element.prototype, 'localName').get;
  const baseURIOf = Object.getOwnPropertyDescriptor(Node.prototype, 'baseURI').get;
  const composedPath = Event.prototype.composedPath;
  const preventDefault = Event.prototype.preventDefault;
  const attr = (el, name) => Reflect.apply(getAttribute, el, [name]);
  const schemeOf = (raw) => {
    try {
      return new URL(raw, Reflect.apply(baseURIOf, document, [])).protocol;
    } catch (_) {
      return null;
    }
  };
  w.addEventListener(
    'securitypolicyviolation',
    (e) => {
      if (!e.isTrusted) return; // an unforgeable own property
      // script-src-attr fires when a handler attribute is merely present;
      // that is a danger (seen by inspection), not an execution.
      if (e.violatedDirective === 'script-src-attr') return;
      report({ kind: 'csp', directive: e.violatedDirective, blocked: str(e.blockedURI), sample: str(e.sample) });
    },
    true,
  );
  w.addEventListener(
    'click',
    (e) => {
      const list = Reflect.apply(composedPath, e, []);
      const link = list.find(
        (n) => n instanceof Element && /^(a|area)$/.test(Reflect.apply(localNameOf, n, [])),
      );
      if (!link) return;
      const raw = attr(link, 'href') ?? Reflect.apply(getAttributeNS, link, ['http://www.w3.org/1999/xlink', 'href']);
      if (raw === null) return;
      if (schemeOf(raw) === 'javascript:') {
        report({ kind: 'js-nav', via: 'link', url: str(raw) });
      } else {
        Reflect.apply(preventDefault, e, []);
      }
    },
    true,
  );
  w.addEventListener(
    'submit',
    (e) => {
      const form = e.target;
      const sub = e.submitter;
      const raw = (sub && attr(sub, 'formaction')) ?? (form ? attr(form, 'action') : null) ?? '';
      if (schemeOf(raw) === 'javascript:') {
        report({ kind: 'js-nav', via: 'form', url: str(raw) });
      } else {
        Reflect.apply(preventDefault, e, []);
      }
    },
    true,
  );
}

// Inspects the live DOM for what must never be in sanitized output.
// Elements marked data-harness are the harness's own.
function inspectDom($, { schemes }) {
  const allowed = new Set(schemes);
  const dangers = [];
  const DANGER_TAGS = new Set([
    'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'form', 'link', 'portal',
  ]);
  const SINGLE_URL = new Set([
    'href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data', 'background', 'cite',
    'longdesc', 'lowsrc', 'dynsrc', 'codebase', 'classid', 'manifest', 'icon', 'profile', 'xml:base',
  ]);
  const LIST_URL = new Set(['ping', 'archive']);
  const SRCSET = new Set(['srcset', 'imagesrcset']);
  const CSS_BAD = /url\s*\(|expression\s*\(|@import|javascript:|behavior\s*:|-moz-binding|image-set\s*\(|image\s*\(/i;
  const clip = (s) => (s.length > 200 ? s.slice(0, 200) + '…' : s);
  const cssText = (s) =>
    s
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\\([0-9a-fA-F]{1,6})\s?/g, (_, h) => {
        try {
          return String.fromCodePoint(parseInt(h, 16));
        } catch (_) {
          return '';
        }
      })
      .replace(/\\(.)/g, '$1');
  const where = (el) => {
    const p = [];
    for (let n = el; n && $.nodeType(n) === 1 && p.length < 5; n = $.parentNode(n)) p.unshift($.localName(n));
    return p.join('>');
  };
  const add = (el, d) =>
    dangers.push({ ...d, tag: $.localName(el), ns: String($.ns(el)).replace(/^.*\//, ''), at: where(el) });
  const base = $.baseURI(document);
  const checkUrl = (el, attr, raw) => {
    let u;
    try {
      u = new URL(raw, base);
    } catch (_) {
      return; // not a URL the browser would fetch or follow
    }
    const scheme = u.protocol.replace(/:$/, '').toLowerCase();
    if (!allowed.has(scheme)) add(el, { kind: 'url', attr, scheme, value: clip(raw) });
  };
  const srcsetUrls = (v) => {
    // HTML "parse a srcset attribute": URL = run of non-space; a trailing
    // comma ends the candidate; descriptors run to a comma outside parens.
    const urls = [];
    let i = 0;
    const sp = (c) => c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
    while (i < v.length) {
      while (i < v.length && (sp(v[i]) || v[i] === ',')) i++;
      if (i >= v.length) break;
      const s = i;
      while (i < v.length && !sp(v[i])) i++;
      let url = v.slice(s, i);
      if (url.endsWith(',')) {
        url = url.replace(/,+$/, '');
      } else {
        let depth = 0;
        while (i < v.length) {
          if (v[i] === '(') depth++;
          else if (v[i] === ')') depth = Math.max(0, depth - 1);
          else if (v[i] === ',' && depth === 0) break;
          i++;
        }
      }
      if (url) urls.push(url);
    }
    return urls;
  };
  let checked = 0;
  for (const el of $.allElements()) {
    if ($.hasAttribute(el, 'data-harness')) continue;
    checked++;
    const tag = $.localName(el).toLowerCase();
    if (DANGER_TAGS.has(tag)) add(el, { kind: 'element' });
    if (tag === 'meta' && $.hasAttribute(el, 'http-equiv')) {
      add(el, { kind: 'element', attr: 'http-equiv', value: clip($.getAttribute(el, 'http-equiv')) });
    }
    if (tag === 'style') {
      const t = $.textContent(el);
      if (CSS_BAD.test(cssText(t))) add(el, { kind: 'css', value: clip(t) });
    }
    if (/^(set|animate|animatemotion|animatetransform)$/.test(tag) && /href/i.test($.getAttribute(el, 'attributeName') || '')) {
      add(el, { kind: 'element', attr: 'attributeName', value: clip($.getAttribute(el, 'attributeName')) });
    }
    for (const [rawName, v] of $.attrs(el)) {
      const name = rawName.toLowerCase();
      if (name.startsWith('on')) add(el, { kind: 'handler', attr: rawName, value: clip(v) });
      if (name === 'formaction') add(el, { kind: 'formaction', attr: rawName, value: clip(v) });
      if (name === 'srcdoc') add(el, { kind: 'srcdoc', attr: rawName, value: clip(v) });
      if (name === 'style' && (CSS_BAD.test(cssText(v)) || CSS_BAD.test($.styleText(el)))) {
        add(el, { kind: 'css', attr: 'style', value: clip(v) });
      }
      if (SINGLE_URL.has(name)) checkUrl(el, rawName, v);
      else if (LIST_URL.has(name)) for (const u of v.split(/[\s,]+/).filter(Boolean)) checkUrl(el, rawName, u);
      else if (SRCSET.has(name)) for (const u of srcsetUrls(v)) checkUrl(el, rawName, u);
    }
  }
  return { dangers, elements: checked };
}

// Dispatches events: the full list (and each event an on* attribute names)
// to every element that has an attribute or a default action; the core
// mouse/focus/pointer/animation events to every other element (which has no
// handler of its own; its ancestors get the full list themselves). Each
// group is capped at maxTargets elements. Focuses and blurs each target.
function dispatchEvents($, { maxTargets }) {
  const MOUSE = ['click', 'dblclick', 'auxclick', 'contextmenu', 'mousedown', 'mouseup', 'mouseover', 'mouseenter', 'mousemove', 'mouseout', 'mouseleave'];
  const POINTER = ['pointerdown', 'pointerup', 'pointerover', 'pointerenter', 'pointermove', 'pointerout', 'pointerleave', 'pointercancel', 'pointerrawupdate', 'gotpointercapture', 'lostpointercapture'];
  const FOCUS = ['focus', 'focusin', 'blur', 'focusout'];
  const KEY = ['keydown', 'keypress', 'keyup'];
  const ANIM = ['animationstart', 'animationend', 'animationiteration', 'animationcancel', 'webkitanimationstart', 'webkitanimationend', 'webkitanimationiteration'];
  const TRANS = ['transitionstart', 'transitionend', 'transitionrun', 'transitioncancel', 'webkittransitionend'];
  const DRAG = ['drag', 'dragstart', 'dragend', 'dragenter', 'dragleave', 'dragover', 'drop'];
  const TOUCH = ['touchstart', 'touchend', 'touchmove', 'touchcancel'];
  const OTHER = [
    'input', 'beforeinput', 'change', 'select', 'selectstart', 'selectionchange', 'invalid', 'search', 'submit', 'reset', 'formdata',
    'copy', 'cut', 'paste', 'wheel', 'scroll', 'scrollend', 'resize', 'toggle', 'beforetoggle', 'show', 'close', 'cancel', 'command',
    'load', 'error', 'abort', 'loadstart', 'loadeddata', 'loadedmetadata', 'canplay', 'canplaythrough', 'play', 'playing', 'pause',
    'ended', 'timeupdate', 'progress', 'durationchange', 'volumechange', 'seeked', 'seeking', 'suspend', 'stalled', 'waiting', 'emptied',
    'ratechange', 'begin', 'end', 'repeat', 'beginEvent', 'endEvent', 'repeatEvent', 'start', 'finish', 'bounce', 'message', 'hashchange',
    'pageshow', 'pagehide', 'popstate', 'storage', 'readystatechange', 'beforematch', 'contentvisibilityautostatechange', 'beforeprint',
    'afterprint', 'online', 'offline', 'activate', 'beforeactivate', 'DOMActivate', 'DOMFocusIn', 'DOMContentLoaded',
  ];
  const make = (type) => {
    const init = { bubbles: true, cancelable: true, composed: true };
    try {
      if (MOUSE.includes(type)) return new MouseEvent(type, { ...init, view: window, clientX: 1, clientY: 1 });
      if (POINTER.includes(type)) return new PointerEvent(type, { ...init, pointerId: 1, isPrimary: true });
      if (FOCUS.includes(type)) return new FocusEvent(type, init);
      if (KEY.includes(type)) return new KeyboardEvent(type, { ...init, key: 'a' });
      if (ANIM.includes(type)) return new AnimationEvent(type, { ...init, animationName: 'x' });
      if (TRANS.includes(type)) return new TransitionEvent(type, { ...init, propertyName: 'color' });
      if (DRAG.includes(type)) return new DragEvent(type, init);
      if (type === 'wheel') return new WheelEvent(type, { ...init, deltaY: 1 });
      if (type === 'input' || type === 'beforeinput') return new InputEvent(type, { ...init, data: 'a' });
    } catch (_) {
      /* fall through */
    }
    return new Event(type, init);
  };
  const FULL = [...MOUSE, ...POINTER, ...FOCUS, ...KEY, ...ANIM, ...TRANS, ...DRAG, ...TOUCH, ...OTHER];
  const CORE = ['click', 'mouseover', 'mouseenter', 'focus', 'pointerdown', 'animationstart', 'transitionend'];
  const ACTIVE = /^(a|area|button|input|label|summary|details|form|video|audio|img|select|textarea|dialog|svg|animate|set|marquee|body)$/;
  const full = [];
  const plain = [];
  let total = 0;
  for (const el of $.allElements()) {
    const name = $.localName(el);
    const attrs = $.attrs(el).filter(([n]) => n !== 'data-harness' && n !== 'id');
    if ($.hasAttribute(el, 'data-harness') && name !== 'body') continue;
    total++;
    (attrs.length || ACTIVE.test(name) ? full : plain).push([el, attrs]);
  }
  let dispatched = 0;
  const fire = (target, type) => {
    try {
      $.dispatch(target, make(type));
      dispatched++;
    } catch (_) {
      /* keep going */
    }
  };
  const targets = [...full.slice(0, maxTargets), ...plain.slice(0, maxTargets)];
  for (const [i, [el, attrs]] of targets.entries()) {
    const isFull = i < Math.min(full.length, maxTargets);
    const types = new Set(isFull ? FULL : CORE);
    const winTypes = [];
    for (const [n] of attrs) {
      const lower = n.toLowerCase();
      if (lower.startsWith('on') && lower.length > 2) {
        types.add(lower.slice(2));
        if (/^(body|frameset)$/.test($.localName(el))) winTypes.push(lower.slice(2));
      }
    }
    for (const t of types) fire(el, t);
    for (const t of winTypes) fire(window, t);
    try {
      $.focusBlur(el);
    } catch (_) {
      /* keep going */
    }
  }
  return { targets: targets.length, total, full: full.length, plain: plain.length, dispatched };
}

// Mutation check: serialize, parse in a fresh (detached) div of this
// document, serialize again.
function stability($, rootId) {
  const root = rootId ? $.getElementById(document, rootId) : $.body(document);
  if (!root) return { first: '', second: '', missing: true };
  const first = $.getInner(root);
  const d = $.createElement(document, 'div');
  $.setInner(d, first);
  return { first, second: $.getInner(d) };
}

// Containment: the sentinel after the html must be a direct, last child of
// <body>, untouched.
function containment($) {
  const s = $.getElementById(document, 'harness-sentinel');
  const body = $.body(document);
  if (!s) return { ok: false, why: 'sentinel missing' };
  if ($.ns(s) !== 'http://www.w3.org/1999/xhtml' || $.localName(s) !== 'span') {
    return { ok: false, why: `sentinel is ${$.ns(s)} ${$.localName(s)}` };
  }
  if ($.parentNode(s) !== body) {
    const p = [];
    for (let n = $.parentNode(s); n && $.nodeType(n) === 1; n = $.parentNode(n)) p.unshift($.localName(n));
    return { ok: false, why: `sentinel inside ${p.join('>')}` };
  }
  if ($.lastChild(body) !== s) return { ok: false, why: 'content after the sentinel (moved or foster-parented)' };
  if ($.attrs(s).length !== 2 || $.textContent(s) !== 'end') return { ok: false, why: 'sentinel changed' };
  return { ok: true };
}

// page.evaluate ships a function by its source text, so each in-page step
// is assembled into one self-contained function.
const inPage = (body) =>
  new Function(
    'args',
    `const natives = ${natives}; const inspectDom = ${inspectDom}; const dispatchEvents = ${dispatchEvents};
     const stability = ${stability}; const containment = ${containment};
     const $ = natives();
     ${body}`,
  );
const DOCUMENT_CHECKS = inPage(
  'return { contained: containment($), stability: stability($, null), inspect: inspectDom($, args) };',
);
const FRAGMENT_CHECKS = inPage(
  `$.setInner($.getElementById(document, 'host'), args.html);
   return { stability: stability($, 'host'), inspect: inspectDom($, args) };`,
);
const EVENTS = inPage('return dispatchEvents($, args);');
const INSPECT = inPage('return inspectDom($, args);');

// ---------------------------------------------------------------- runner

const PROFILE = process.env.HARNESS_PROFILE ? {} : null;
const timed = async (what, f) => {
  if (!PROFILE) return f();
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    PROFILE[what] = (PROFILE[what] ?? 0) + Date.now() - t0;
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function clipHtml(s, n = 4000) {
  return s.length > n ? `${s.slice(0, n)}… [${s.length} chars]` : s;
}

function newRecord(id) {
  return { id, executed: [], dangers: [], unstable: [], uncontained: null, reserializedDiffers: false, errors: [], info: {} };
}

// A browser context with the hooks installed, and its current page. What
// the hooks report goes to `state.rec` under `state.mode`.
async function openContext(browser) {
  const state = { rec: null, mode: 'idle', page: null, expectedUrl: null };
  const context = await timed('context', () => browser.newContext({ viewport: { width: 800, height: 600 } }));
  await context.exposeBinding('__harnessReport', (source, payload) => {
    if (!state.rec || !payload || typeof payload !== 'object') return;
    note(state, 'executed', source.page === state.page ? state.mode : 'popup', payload);
  });
  await context.addInitScript(initScript);
  return { context, state };
}

function note(state, list, mode, item) {
  const rec = state.rec;
  if (!rec) return;
  const seen = (rec.info.seen ??= new Set());
  const key = `${list}:${JSON.stringify({ mode, ...item })}`;
  if (seen.has(key)) return;
  seen.add(key);
  rec[list].push({ mode, ...item });
}

function watchPage(page, state, fixedMode) {
  const mode = () => fixedMode ?? state.mode;
  page.on('dialog', (d) => {
    note(state, 'executed', mode(), { kind: 'dialog', type: d.type(), message: d.message().slice(0, 200) });
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => note(state, 'executed', mode(), { kind: 'pageerror', message: String(e.message).slice(0, 200) }));
  page.on('crash', () => state.rec?.errors.push(`${mode()}: page crashed`));
  page.on('popup', (q) => {
    note(state, 'executed', mode(), { kind: 'popup', url: q.url().slice(0, 200) });
    watchPage(q, state, 'popup');
    q.close().catch(() => {});
  });
  page.on('framenavigated', (f) => {
    const u = f.url();
    if (u.startsWith('javascript:')) note(state, 'executed', mode(), { kind: 'js-nav', via: 'frame', url: u.slice(0, 200) });
    if (fixedMode === undefined && f === page.mainFrame() && state.expectedUrl && u !== state.expectedUrl) {
      note(state, 'dangers', mode(), { kind: 'navigation', value: u.slice(0, 200) });
    }
  });
}

async function openPage(session) {
  const page = await timed('newPage', () => session.context.newPage());
  watchPage(page, session.state);
  session.state.page = page;
  return page;
}

// Renders one vector in both modes and fills its record.
async function checkVector(session, page, origin, vec, index, opts) {
  const state = session.state;
  const rec = newRecord(vec.id);
  state.rec = rec;
  const inspectArgs = { schemes: opts.schemes };

  // One step in the page. A navigation away (meta refresh, a script)
  // destroys the document: recorded as a danger, and the mode stops.
  const step = (what, fn, arg) =>
    timed(`${state.mode}:${what}`, async () => {
      try {
        return await page.evaluate(fn, arg);
      } catch (e) {
        const msg = String(e.message || e).split('\n')[0];
        if (/Execution context was destroyed|navigat/i.test(msg)) {
          note(state, 'dangers', state.mode, { kind: 'navigation', during: what, value: page.url().slice(0, 200) });
        } else {
          rec.errors.push(`${state.mode} ${what}: ${msg}`);
        }
        return null;
      }
    });
  const load = (url) =>
    timed(`${state.mode}:load`, async () => {
      state.expectedUrl = url;
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs });
            break;
          } catch (e) {
            // A navigation the previous document started (meta refresh, a
            // script) can interrupt this one: try again.
            if (attempt >= 3 || !/interrupted by another navigation/.test(String(e.message))) throw e;
            await sleep(50);
          }
        }
        return true;
      } catch (e) {
        rec.errors.push(`${state.mode} load: ${String(e.message || e).split('\n')[0]}`);
        return false;
      }
    });
  const poke = async () => {
    const ev = await step('events', EVENTS, { maxTargets: opts.maxTargets });
    if (ev && ev.targets < ev.total) (rec.info.eventsTruncated ??= []).push({ mode: state.mode, ...ev });
    await sleep(opts.waitMs);
    const after = await step('inspect', INSPECT, inspectArgs);
    if (after) for (const d of after.dangers) note(state, 'dangers', state.mode, d);
  };

  // ---- document: the html as the body of a page served from the origin
  state.mode = 'document';
  if (await load(`${origin}/doc/${index}`)) {
    const r = await step('checks', DOCUMENT_CHECKS, inspectArgs);
    if (r) {
      if (!r.contained.ok) rec.uncontained = r.contained.why;
      if (r.stability.first !== r.stability.second) rec.unstable.push({ mode: state.mode, ...r.stability });
      for (const d of r.inspect.dangers) note(state, 'dangers', state.mode, d);
    }
    await poke();
  }

  // ---- fragment: innerHTML into <div id=host> on a blank page
  state.mode = 'fragment';
  if (await load(`${origin}/blank`)) {
    const r = await step('checks', FRAGMENT_CHECKS, { html: vec.html, ...inspectArgs });
    if (r) {
      rec.info.browserHtml = r.stability.first;
      rec.reserializedDiffers = r.stability.first !== vec.html;
      if (r.stability.first !== r.stability.second) rec.unstable.push({ mode: state.mode, ...r.stability });
      for (const d of r.inspect.dangers) note(state, 'dangers', state.mode, d);
      await poke();
    }
  }
  // Reports from the binding can trail the last step by a tick.
  await sleep(5);
  state.mode = 'idle';
  state.rec = null;
  delete rec.info.seen;
  return rec;
}

// One worker: takes vectors off the shared queue; opens a context and page
// as often as --fresh says.
async function worker(browser, origin, vectors, recs, queue, opts, progress) {
  let session = null;
  let page = null;
  let used = 0;
  const close = async () => {
    if (session) await timed('close', () => session.context.close().catch(() => {}));
    session = null;
    page = null;
  };
  while (queue.next < vectors.length) {
    const i = queue.next++;
    const vec = vectors[i];
    const t0 = Date.now();
    try {
      // --fresh document still starts over every 100 vectors.
      if (opts.fresh === 'context' || !session || (opts.fresh === 'document' && used >= 100)) {
        await close();
        session = await openContext(browser);
        used = 0;
      }
      if (opts.fresh !== 'document' || !page) page = await openPage(session);
      used++;
      recs[i] = await withTimeout(checkVector(session, page, origin, vec, i, opts), opts.timeoutMs * 3, vec.id);
      if (opts.fresh === 'page') await timed('closePage', () => page.close().catch(() => {}));
      // --fresh document: a vector that ran script, navigated or errored
      // may have left something behind (a pending navigation, storage):
      // the next one starts in a new context.
      const r = recs[i];
      if (opts.fresh === 'document' && (r.errors.length || r.executed.length || r.dangers.some((d) => d.kind === 'navigation'))) {
        await close();
      }
    } catch (e) {
      recs[i] = newRecord(vec.id);
      recs[i].errors.push(String(e.message || e).split('\n')[0]);
      await close();
    }
    recs[i].ms = Date.now() - t0;
    progress();
  }
  await close();
}

function cacheKey(html, schemes) {
  return crypto.createHash('sha256').update(`${[...schemes].sort().join(',')}\n${html}`).digest('hex');
}

function loadCache(file) {
  if (!file || !fs.existsSync(file)) return new Map();
  return new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))));
}

function saveCache(file, cache) {
  if (!file) return;
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(cache)));
  fs.renameSync(tmp, file);
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

function sourceOf(id) {
  const m = /^(.*?)-\d+$/.exec(id);
  return m ? m[1] : 'other';
}

function summarize(opts, vectors, recs, ms) {
  const failed = (r) => r.executed.length || r.dangers.length || r.unstable.length || r.uncontained || r.errors.length;
  const count = (f) => recs.filter(f).length;
  const bySource = {};
  for (const r of recs) {
    const s = (bySource[sourceOf(r.id)] ??= { n: 0, executed: 0, dangers: 0, unstable: 0, uncontained: 0, reserializedDiffers: 0, errors: 0 });
    s.n++;
    if (r.executed.length) s.executed++;
    if (r.dangers.length) s.dangers++;
    if (r.unstable.length) s.unstable++;
    if (r.uncontained) s.uncontained++;
    if (r.reserializedDiffers) s.reserializedDiffers++;
    if (r.errors.length) s.errors++;
  }
  const byId = new Map(vectors.map((v) => [v.id, v]));
  const dangerKinds = {};
  for (const r of recs) {
    const kinds = new Set(r.dangers.map((d) => `${d.kind}${d.kind === 'element' ? ':' + d.tag : d.kind === 'url' ? ':' + d.scheme : ''}`));
    for (const k of kinds) dangerKinds[k] = (dangerKinds[k] ?? 0) + 1;
  }
  const execKinds = {};
  for (const r of recs) {
    for (const k of new Set(r.executed.map((e) => e.kind))) execKinds[k] = (execKinds[k] ?? 0) + 1;
  }
  return {
    label: opts.label,
    input: opts.input,
    schemes: opts.schemes,
    chromium: opts.version,
    n: recs.length,
    executed: count((r) => r.executed.length > 0),
    dangers: count((r) => r.dangers.length > 0),
    unstable: count((r) => r.unstable.length > 0),
    uncontained: count((r) => r.uncontained),
    reserializedDiffers: count((r) => r.reserializedDiffers),
    errors: count((r) => r.errors.length > 0),
    rendered: count((r) => !r.cached),
    detected: count((r) => r.executed.length > 0 || r.dangers.length > 0),
    seconds: Math.round(ms / 100) / 10,
    fresh: opts.fresh,
    concurrency: opts.concurrency,
    bySource,
    executedKinds: execKinds,
    dangerKinds,
    failures: recs.filter(failed).map((r) => ({
      id: r.id,
      html: clipHtml(byId.get(r.id).html),
      browserHtml: r.info.browserHtml === undefined ? undefined : clipHtml(r.info.browserHtml),
      executed: r.executed,
      dangers: r.dangers,
      unstable: r.unstable.map((u) => ({ mode: u.mode, first: clipHtml(u.first, 1500), second: clipHtml(u.second, 1500) })),
      uncontained: r.uncontained || undefined,
      errors: r.errors.length ? r.errors : undefined,
    })),
    reserializedDiffs: recs
      .filter((r) => r.reserializedDiffers)
      .map((r) => ({ id: r.id, html: clipHtml(byId.get(r.id).html, 1000), browserHtml: clipHtml(r.info.browserHtml ?? '', 1000) })),
    truncatedEvents: recs.filter((r) => r.info.eventsTruncated).map((r) => ({ id: r.id, events: r.info.eventsTruncated })),
  };
}

// ---------------------------------------------------------------- tables

const COLS = [
  ['n', 'n'],
  ['executed', 'executed'],
  ['dangers', 'dangers'],
  ['unstable', 'unstable'],
  ['uncontained', 'uncontained'],
  ['errors', 'errors'],
  ['reserializedDiffers', 'browser-reserialized differs'],
];

function table(rows, first) {
  const head = [first, ...COLS.map((c) => c[1])];
  const body = rows.map(([name, s]) => [name, ...COLS.map((c) => String(s[c[0]] ?? ''))]);
  const w = head.map((h, i) => Math.max(3, h.length, ...body.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  const sep = '| ' + w.map((x, i) => (i === 0 ? '-'.repeat(x) : '-'.repeat(x - 1) + ':')).join(' | ') + ' |';
  return [line(head), sep, ...body.map(line)].join('\n');
}

function printSummary(s) {
  const rows = Object.entries(s.bySource).sort(([a], [b]) => a.localeCompare(b));
  rows.push(['all', s]);
  console.log(`\n== ${s.label}: ${s.n} vectors (${s.rendered} rendered, the rest had the same output as one already checked) in ${s.seconds}s (schemes: ${s.schemes.join(',') || 'none'})`);
  console.log(table(rows, 'source'));
  if (Object.keys(s.executedKinds).length) console.log(`executed by kind: ${JSON.stringify(s.executedKinds)}`);
  if (Object.keys(s.dangerKinds).length) console.log(`dangers by kind: ${JSON.stringify(s.dangerKinds)}`);
}

function printFailures(s, limit) {
  const list = s.failures.slice(0, limit);
  for (const f of list) {
    console.log(`\n-- ${s.label} ${f.id}`);
    console.log(`   html: ${JSON.stringify(f.html.slice(0, 600))}`);
    for (const e of f.executed) console.log(`   executed: ${JSON.stringify(e)}`);
    for (const d of f.dangers) console.log(`   danger: ${JSON.stringify(d)}`);
    for (const u of f.unstable) console.log(`   unstable (${u.mode}): ${JSON.stringify(u.first.slice(0, 300))} -> ${JSON.stringify(u.second.slice(0, 300))}`);
    if (f.uncontained) console.log(`   uncontained: ${f.uncontained}`);
    for (const e of f.errors ?? []) console.log(`   error: ${e}`);
  }
  if (s.failures.length > list.length) console.log(`\n(${s.failures.length - list.length} more in the JSON summary)`);
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.table) {
    const rows = opts.table.map((f) => {
      const s = JSON.parse(fs.readFileSync(f, 'utf8'));
      return [s.label, s];
    });
    console.log(table(rows, 'policy'));
    return 0;
  }
  if (!fs.existsSync(opts.chromium)) {
    console.error(`harness: no Chromium at ${opts.chromium} (apt-get install -y chromium, or set CHROMIUM=/path)`);
    return 2;
  }
  const vectors = readVectors(opts.input, opts.only);
  const cache = loadCache(opts.cache);
  const recs = new Array(vectors.length);
  // Only the first vector of each (html, schemes) not already in the cache
  // is rendered; the rest copy its record afterwards.
  const keys = vectors.map((v) => cacheKey(v.html, opts.schemes));
  const firstOf = new Map();
  const todo = [];
  vectors.forEach((v, i) => {
    const hit = cache.get(keys[i]);
    if (hit) recs[i] = { ...structuredClone(hit), id: v.id, cached: true };
    else if (!firstOf.has(keys[i])) {
      firstOf.set(keys[i], todo.length);
      todo.push(i);
    }
  });
  const pending = todo.map((i) => vectors[i]);
  const server = await startServer(pending);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    // launch() starts Chromium with a fresh temporary profile of its own
    // (the equivalent of a new empty --user-data-dir).
    args: [...CHROMIUM_ARGS, ...(process.env.HARNESS_CHROMIUM_ARGS || '').split(' ').filter(Boolean)],
  });
  opts.version = browser.version();
  const started = Date.now();
  const checked = new Array(todo.length);
  const queue = { next: 0 };
  let done = 0;
  const tty = process.stderr.isTTY;
  const progress = () => {
    done++;
    if (tty && (done % 20 === 0 || done === todo.length)) process.stderr.write(`\r${opts.label}: ${done}/${todo.length}`);
  };
  await Promise.all(
    Array.from({ length: Math.min(opts.concurrency, pending.length || 1) }, () =>
      worker(browser, origin, pending, checked, queue, opts, progress),
    ),
  );
  if (tty) process.stderr.write('\n');
  await browser.close();
  server.close();
  vectors.forEach((v, i) => {
    if (recs[i]) return;
    const first = todo[firstOf.get(keys[i])];
    const rec = checked[firstOf.get(keys[i])];
    recs[i] = first === i ? rec : { ...structuredClone(rec), id: v.id, cached: true };
    if (!rec.errors.length) cache.set(keys[i], { ...rec, id: undefined, ms: undefined });
  });
  saveCache(opts.cache, cache);
  const summary = summarize(opts, vectors, recs, Date.now() - started);
  if (PROFILE) {
    console.error(`profile (ms, summed over workers): ${JSON.stringify(PROFILE)}`);
    const slow = recs.filter((r) => r.ms).sort((a, b) => b.ms - a.ms).slice(0, 8);
    console.error(`slowest: ${slow.map((r) => `${r.id} ${r.ms}ms`).join(', ')}`);
  }
  if (opts.out) fs.writeFileSync(opts.out, JSON.stringify(summary, null, 1) + '\n');
  printSummary(summary);

  let status = 0;
  if (opts.expectN !== null && summary.n !== opts.expectN) {
    console.log(`FAIL ${opts.label}: expected ${opts.expectN} vectors, got ${summary.n}`);
    status = 1;
  }
  if (opts.expectClean) {
    const bad = summary.failures.length;
    if (bad) {
      console.log(`FAIL ${opts.label}: ${bad} vector(s) executed, left a danger, were unstable, uncontained or errored:`);
      printFailures(summary, 50);
      status = 1;
    } else {
      console.log(`ok ${opts.label}: nothing executed, no dangers, stable, contained`);
    }
  }
  if (opts.expectDetect !== null) {
    if (summary.detected < opts.expectDetect) {
      console.log(`FAIL ${opts.label}: only ${summary.detected} vectors executed or showed dangers; expected at least ${opts.expectDetect}`);
      status = 1;
    } else {
      console.log(`ok ${opts.label}: ${summary.detected} vectors executed or showed dangers (threshold ${opts.expectDetect})`);
    }
  }
  return status;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`harness: ${e.stack || e}`);
    process.exit(2);
  },
);
