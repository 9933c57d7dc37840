//! A search for slow shapes (docs/DESIGN.md, invariant 6 "Linear"; LINEAR.md).
//!
//! Every fragment that the lexical step, the parser, the transforms, or
//! the URL and CSS code treat specially is repeated flat, alone and after
//! each other fragment, and cleaned at two sizes, the larger 16 times the
//! smaller. Linear work takes about 16 times as long on the larger input;
//! a shape whose time grows by more than [`MAX_GROWTH`] fails. The small
//! input is run 16 times in one timing, so both timings are about as long
//! and a busy machine interrupts both alike; each is taken more than once
//! and the fastest kept, and a ratio above the limit is timed again
//! before it counts.
//!
//! This file is also compiled into `examples/linear_search.rs`, which runs
//! every shape under every preset and option at larger sizes in release
//! mode; the test here is its quick version, small enough for a debug
//! build.

use std::hint::black_box;
use std::time::{Duration, Instant};

use safe_markup::Policy;

/// How much the larger input may cost over the smaller, for a size ratio
/// of [`SIZE_RATIO`]: half as much again as linear work, which leaves
/// room for caches that the larger input no longer fits; a quadratic
/// shape grows by 256.
pub const MAX_GROWTH: f64 = 1.5 * SIZE_RATIO as f64;

/// The larger size over the smaller.
pub const SIZE_RATIO: usize = 16;

/// Fragments with a meaning of their own somewhere in the pipeline.
pub const FRAGMENTS: &[(&str, &str)] = &[
    ("comment", "<!--"),
    ("comment-end", "-->"),
    ("comment-bang-end", "--!>"),
    ("bang", "<!"),
    ("bang-x", "<!x"),
    ("doctype", "<!DOCTYPE"),
    ("pi", "<?"),
    ("end-open", "</"),
    ("end-b", "</b>"),
    ("lt", "<"),
    ("gt", ">"),
    ("amp", "&"),
    ("amp-am", "&am"),
    ("amp-amp", "&amp;"),
    ("amp-hex", "&#x"),
    ("amp-num", "&#"),
    ("dquote", "\""),
    ("squote", "'"),
    ("eq", "="),
    ("a-href", "<a href="),
    ("a-b-quote", "<a b=\""),
    ("a-href-url", "<a href=\"http://x.test/\">"),
    ("paren", "("),
    ("paren-end", ")"),
    ("bracket", "["),
    ("bracket-end", "]"),
    ("brace-end", "}"),
    ("dot", "."),
    ("http", "http://"),
    ("https", "https://"),
    ("www", "www."),
    ("ahttp", "ahttp://"),
    ("see-url", "see http://x.test/ "),
    ("blank-line", "\n\n"),
    ("newline", "\n"),
    ("cr", "\r"),
    ("nul", "\0"),
    ("style", "<b style=\"color:red;"),
    ("style-url", "<b style=\"background:url("),
    ("srcset", "<img srcset=\"a.png 1x,"),
    ("pre", "<pre>"),
    ("table", "<table>"),
    ("td", "<td>"),
    ("li", "<li>"),
    ("a", "<a>"),
    ("b", "<b>"),
    ("person", "<person>"),
    ("person-end", "</person>"),
    ("script", "<script>"),
    ("textarea", "<textarea>"),
    ("svg", "<svg>"),
    ("math", "<math>"),
    ("select", "<select>"),
    ("template", "<template>"),
    ("word", "x "),
    ("letter", "x"),
];

/// Shapes found quadratic before (issue 17), always measured: a head
/// written once, then a unit repeated.
pub const REGRESSIONS: &[(&str, &str, &str)] = &[
    ("unclosed-comments", "", "<!--x>"),
    ("unclosed-pi", "", "<?x"),
    ("unclosed-bang", "", "<!x"),
    ("unclosed-end", "", "</ "),
    ("pi-before-one-gt", "", "<?"),
    ("url-then-parens", "see http://x.test/", ")"),
    ("url-then-brackets", "see http://x.test/", "])"),
    ("glued-urls", "", "ahttp://"),
];

/// A shape: `unit` repeated flat to any size.
#[derive(Clone)]
pub struct Shape {
    pub name: String,
    pub unit: String,
    /// Written once at the start (the URL of `url-then-parens`).
    pub head: &'static str,
}

impl Shape {
    /// The first `len` bytes of the head and the unit repeated (every
    /// fragment is ASCII, so any length is a character boundary).
    pub fn input(&self, len: usize) -> String {
        let mut s = String::with_capacity(len + self.unit.len());
        s.push_str(self.head);
        while s.len() < len {
            s.push_str(&self.unit);
        }
        s.truncate(len);
        s
    }
}

/// The regressions, each fragment alone, and, with `pairs`, each pair of
/// fragments one after the other.
pub fn shapes(pairs: bool) -> Vec<Shape> {
    let mut out: Vec<Shape> = REGRESSIONS
        .iter()
        .map(|&(name, head, unit)| Shape {
            name: name.to_owned(),
            unit: unit.to_owned(),
            head,
        })
        .collect();
    for (i, &(a, x)) in FRAGMENTS.iter().enumerate() {
        out.push(Shape {
            name: a.to_owned(),
            unit: x.to_owned(),
            head: "",
        });
        if pairs {
            // `b` then `a`, repeated, is `a` then `b` shifted by one
            // fragment, so each unordered pair is enough.
            for &(b, y) in &FRAGMENTS[i + 1..] {
                out.push(Shape {
                    name: format!("{a}+{b}"),
                    unit: format!("{x}{y}"),
                    head: "",
                });
            }
        }
    }
    out
}

/// A preset as it is, and with the options that turn the fast path off
/// and add work of their own: links for bare URLs, line breaks and the
/// report's spans.
pub struct Preset {
    pub name: &'static str,
    pub plain: Policy,
    pub options: Policy,
}

impl Preset {
    /// The policy and operation of each part of [`Preset::work`].
    pub fn parts(&self) -> [(&Policy, &'static str, Operation); 4] {
        [
            (&self.plain, "", Operation::Clean),
            (&self.plain, "", Operation::Others),
            (&self.options, "+options", Operation::Clean),
            (&self.options, "+options", Operation::Others),
        ]
    }

    /// What a search times for a shape, in one: the preset through
    /// `clean` (the fast path where it answers) and, with options,
    /// through everything else. A part that grows faster than linear
    /// makes the sum do so too.
    pub fn work(&self, input: &str) {
        let [plain_clean, _, _, options_others] = self.parts();
        for (policy, _, operation) in [plain_clean, options_others] {
            operation.run(policy, input);
        }
    }
}

/// Every preset.
pub fn presets() -> Vec<Preset> {
    [
        ("ugc", Policy::ugc()),
        ("strict", Policy::strict()),
        ("text", Policy::text()),
        ("diary", Policy::diary()),
    ]
    .into_iter()
    .map(|(name, plain)| {
        let options = plain
            .to_builder()
            .linkify(true)
            .line_breaks(true)
            .report_spans(true)
            .build()
            .unwrap_or_else(|e| panic!("{name} with options: {e}"));
        Preset {
            name,
            plain,
            options,
        }
    })
    .collect()
}

/// What is timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `Policy::clean` (the fast path where it answers).
    Clean,
    /// `clean_report`, `excerpt` (cut halfway) and `to_text`, one after
    /// the other.
    Others,
}

impl Operation {
    pub fn run(self, policy: &Policy, input: &str) {
        match self {
            Operation::Clean => {
                black_box(policy.clean(black_box(input)));
            }
            Operation::Others => {
                black_box(policy.clean_report(black_box(input)));
                black_box(policy.excerpt(black_box(input), input.len() / 2));
                black_box(policy.to_text(black_box(input)));
            }
        }
    }
}

/// The fastest of `runs` timings of `times` runs of `work` on `input`.
pub fn fastest(work: &dyn Fn(&str), input: &str, times: usize, runs: usize) -> Duration {
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..times {
                work(input);
            }
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// How a shape's cost grew from a small input to [`SIZE_RATIO`] times as
/// many bytes.
#[derive(Clone, Copy, Debug)]
pub struct Growth {
    /// [`SIZE_RATIO`] runs on the small input, timed as one.
    pub small: Duration,
    /// One run on the large input.
    pub large: Duration,
}

impl Growth {
    /// The large input's time over the small one's: [`SIZE_RATIO`] for
    /// linear work.
    pub fn ratio(&self) -> f64 {
        SIZE_RATIO as f64 * self.large.as_secs_f64() / self.small.as_secs_f64().max(1e-9)
    }

    pub fn linear(&self) -> bool {
        self.ratio() <= MAX_GROWTH
    }
}

/// Times `work` on `shape` at `small` bytes and at [`SIZE_RATIO`] times as
/// many, `runs` times each, keeping the fastest, then again while the
/// ratio is over the limit, up to `retries` times.
///
/// The small input is run [`SIZE_RATIO`] times in one timing, so that
/// both timings last about as long: on a shared machine a long timing is
/// interrupted more often than a short one, which alone made linear
/// shapes look up to twice as steep when each size was run once.
pub fn growth(
    shape: &Shape,
    work: &dyn Fn(&str),
    small: usize,
    runs: usize,
    retries: usize,
) -> Growth {
    let (small_input, large_input) = (shape.input(small), shape.input(small * SIZE_RATIO));
    let measure = || Growth {
        small: fastest(work, &small_input, SIZE_RATIO, runs),
        large: fastest(work, &large_input, 1, runs),
    };
    let mut g = measure();
    for _ in 0..retries {
        if g.linear() {
            break;
        }
        let again = measure();
        g.small = g.small.min(again.small);
        g.large = g.large.min(again.large);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick search: every fragment alone and every regression, under
    /// every preset with and without options, 1 KiB against 16 KiB (the
    /// pairs, and 1 MiB, are for `examples/linear_search.rs`).
    #[test]
    fn no_shape_grows_faster_than_linear() {
        let presets = presets();
        let shapes = shapes(false);
        let mut suspects = Vec::new();
        for shape in &shapes {
            for preset in &presets {
                // Other tests share the machine: a ratio over the limit is
                // measured again before it counts.
                let g = growth(shape, &|input| preset.work(input), 1 << 10, 1, 4);
                if !g.linear() {
                    suspects.push((shape, preset));
                }
            }
        }
        // The suspects once more, at the end, when the tests running beside
        // this one have mostly finished: best of three, up to eight times.
        // A quadratic shape grows about 256 times here, far past the limit
        // however often it is measured.
        let mut failures = Vec::new();
        for (shape, preset) in suspects {
            let g = growth(shape, &|input| preset.work(input), 1 << 10, 3, 8);
            if !g.linear() {
                failures.push(format!(
                    "{} under {}: {:.1} times the time for {SIZE_RATIO} times the bytes",
                    shape.name,
                    preset.name,
                    g.ratio()
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "superlinear shapes:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn shapes_are_the_size_asked_and_start_with_their_head() {
        for shape in shapes(true) {
            for len in [1, 4 << 10, 64 << 10] {
                let input = shape.input(len);
                assert_eq!(input.len(), len, "{}", shape.name);
                assert!(
                    input.starts_with(shape.head) || shape.head.starts_with(&input),
                    "{}",
                    shape.name
                );
            }
        }
        let parens = shapes(false)
            .into_iter()
            .find(|s| s.name == "url-then-parens")
            .map(|s| s.input(64));
        assert_eq!(
            parens.as_deref(),
            Some(&*format!("see http://x.test/{}", ")".repeat(46)))
        );
    }
}
