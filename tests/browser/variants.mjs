#!/usr/bin/env node
// Variants of the XSS corpus for the structural browser check
// (structure.mjs): each vector put inside the containers a policy keeps,
// with its line breaks rewritten, and with text and comments around it.
//
//   node variants.mjs CORPUS_DIR OUT.jsonl [CONTROL.jsonl]   (prints the counts)
//
// CORPUS_DIR holds *.jsonl files of {"id", "input"} records (corpus/xss);
// OUT.jsonl gets {"id", "html"} lines, the shape the CLI's --jsonl mode
// reads. The id is VECTOR~CONTAINER~NEWLINES~AROUND.
//
// Why these: a vector that is harmless at the top of a post can behave
// differently inside a container the policy keeps. `pre` drops a leading
// line feed on parsing (and Chromium's serializer writes none back), `li`
// and `td` have end tags implied by their siblings, `a` runs the adoption
// agency against a nested `a`, `p` is closed by any block; CR and CRLF are
// normalised by the tokenizer, so a sanitizer that counts characters can
// get line-feed handling wrong only for them; a comment or text next to
// the vector changes which node is first or last in the container.
//
// The full cross product (8 containers x 6 line-break forms x 2
// surroundings) is 96 variants a vector; this covering design keeps the
// pairs that interact and is about a fifth of that:
//   - each vector in each container (and bare), as written;
//   - each vector with each line-break form in `pre` and `div` (the forms
//     that change nothing, CRLF and CR on a vector with no line break, are
//     left out as duplicates);
//   - each vector with text and a comment around it in every container;
//   - in `pre` and `li`, text and comments around it together with each
//     leading line break (the first child is then a line feed, then text).

import fs from 'node:fs';
import path from 'node:path';

// The containers any preset or the maximal policy keeps. `none` is the
// vector on its own.
const CONTAINERS = {
  none: ['', ''],
  pre: ['<pre>', '</pre>'],
  li: ['<ul><li>', '</li></ul>'],
  td: ['<table><tbody><tr><td>', '</td></tr></tbody></table>'],
  blockquote: ['<blockquote>', '</blockquote>'],
  a: ['<a href=/x>', '</a>'],
  p: ['<p>', '</p>'],
  div: ['<div>', '</div>'],
};

const LINE_BREAK = /\r\n|\r|\n/g;

// Line-break forms. Each returns the vector rewritten, or null when the
// result is the vector itself (a duplicate of the `lf` variant).
const NEWLINES = {
  lf: (v) => v,
  crlf: (v) => (LINE_BREAK.test(v) ? v.replace(LINE_BREAK, '\r\n') : null),
  cr: (v) => (LINE_BREAK.test(v) ? v.replace(LINE_BREAK, '\r') : null),
  // Inside the container, before anything else: `pre` drops the first
  // line feed when parsing, so a second one is what must survive.
  'lead-lf': (v) => '\n' + v,
  'lead-crlf': (v) => '\r\n' + v,
  'lead-2lf': (v) => '\n\n' + v,
};

// Text and a comment on each side, in both orders, so that the vector is
// next to a comment on one side and to text on the other.
const AROUND = {
  none: (v) => v,
  text: (v) => `before <!-- note -->${v}<!-- note --> after`,
};

// The covering design: [containers, newline forms, surroundings].
const DESIGN = [
  [Object.keys(CONTAINERS), ['lf'], ['none']],
  [['pre', 'div'], Object.keys(NEWLINES).filter((n) => n !== 'lf'), ['none']],
  [Object.keys(CONTAINERS), ['lf'], ['text']],
  [['pre', 'li'], ['lead-lf', 'lead-crlf', 'lead-2lf', 'crlf'], ['text']],
];

export function readCorpus(dir) {
  const vectors = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      vectors.push({ id: String(r.id), html: r.input });
    }
  }
  return vectors;
}

export function variants(vectors) {
  const out = [];
  for (const v of vectors) {
    const seen = new Set();
    for (const [containers, newlines, arounds] of DESIGN) {
      for (const c of containers) {
        for (const n of newlines) {
          for (const s of arounds) {
            const body = NEWLINES[n](v.html);
            if (body === null) continue;
            const [open, close] = CONTAINERS[c];
            const html = open + AROUND[s](body) + close;
            const id = `${v.id}~${c}~${n}~${s}`;
            if (seen.has(id)) continue;
            seen.add(id);
            out.push({ id, html });
          }
        }
      }
    }
  }
  return out;
}

// The raw control of the structural check: raw markup takes far longer
// to check than cleaned output (most batches fail and are redone output by
// output; frames, media and SVG are built), so the control is a sample:
// every 16th vector-in-a-container variant as written, under 20 000
// characters (the 300 000-character nesting vector alone would take
// minutes).
export function controlSample(list) {
  return list.filter((r) => r.id.endsWith('~lf~none') && r.html.length < 20000).filter((_, i) => i % 16 === 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, file, control] = process.argv.slice(2);
  if (!dir || !file) {
    console.error('usage: node variants.mjs CORPUS_DIR OUT.jsonl [CONTROL.jsonl]');
    process.exit(2);
  }
  const vectors = readCorpus(dir);
  const list = variants(vectors);
  const lines = (l) => l.map((r) => JSON.stringify(r)).join('\n') + '\n';
  fs.writeFileSync(file, lines(list));
  console.log(`${list.length} variants of ${vectors.length} vectors`);
  if (control) {
    const sample = controlSample(list);
    fs.writeFileSync(control, lines(sample));
    console.log(`${sample.length} of them as the raw control`);
  }
}
