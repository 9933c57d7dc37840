//! `svg` and `math` elements, the commonest foreign content in posts
//! (icons pasted with a share button). The sanitizer never keeps a foreign
//! element: it drops those whose name the policy drops (`script`,
//! `style`, …) with their content, and unwraps the rest, so that only
//! their text (and comments, where kept) remains. The tree builder reads
//! their content by its "in foreign content" rules; the fast path follows
//! those rules as far as needed to find where each element ends and what
//! text survives: up to the root's end tag, or to an HTML tag that breaks
//! out of foreign content (which the caller then reads as usual).
//! Everything else it could meet there, the HTML integration points above
//! all (`foreignObject`, `desc`, `title`, MathML's text integration points
//! and `annotation-xml`), where HTML rules come back, is left to the full
//! pipeline.

use html5ever::{LocalName, local_name};

use super::{Fast, Fate, Sibling};
use crate::lexer::raw_text_content_end;
use crate::policy::TagAction;
use crate::tags;

/// Start tags that end foreign content: the tree builder pops the foreign
/// elements and reads the tag by the "in body" rules (html5ever's
/// `step_foreign`; `font` only with `color`, `face` or `size`, which the
/// fast path leaves to the full pipeline).
fn breaks_out(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    )
}

/// Elements where HTML rules apply again inside foreign content, in either
/// namespace (the fast path does not track which one an element is in),
/// and `font`, which breaks out only with some attributes.
fn not_modelled(name: &str) -> bool {
    matches!(
        name,
        "foreignobject"
            | "desc"
            | "title"
            | "mi"
            | "mo"
            | "mn"
            | "ms"
            | "mtext"
            | "annotation-xml"
            | "font"
    )
}

impl Fast<'_> {
    /// The content of the `svg` or `math` element `root` whose start tag
    /// was just read with fate `fate` (`self_closing`: `<svg/>`, which has
    /// none), up to its end tag or to the tag that breaks out of it, which
    /// is left unread.
    pub(super) fn foreign(
        &mut self,
        root: &LocalName,
        fate: Fate,
        self_closing: bool,
    ) -> Option<()> {
        if self_closing {
            return Some(());
        }
        let svg = *root == local_name!("svg");
        // The open foreign elements (lower case), the root first, and how
        // many of them are not inside a dropped one.
        let mut open: Vec<String> = vec![root.to_string()];
        let mut shown = match fate {
            Fate::Hidden => 0,
            _ => 1,
        };
        let done = loop {
            // A run of text and a tag, a comment or a `<`, inside the
            // foreign elements.
            self.charge_inside(2, open.len())?;
            let visible = shown == open.len();
            let Some(lt) = memchr::memchr(b'<', &self.bytes[self.pos..]) else {
                // The end of the input closes everything.
                self.foreign_text(self.bytes.len(), visible)?;
                break Some(());
            };
            self.foreign_text(self.pos + lt, visible)?;
            match self.bytes.get(self.pos + 1) {
                Some(c) if c.is_ascii_alphabetic() => {
                    let mut attrs = std::mem::take(&mut self.attrs);
                    attrs.clear();
                    let tag = self.scan_start_tag(&mut attrs);
                    self.attrs = attrs;
                    let tag = tag?;
                    let tag_name = self.input[tag.name.clone()].to_ascii_lowercase();
                    if breaks_out(&tag_name) {
                        break Some(());
                    }
                    if not_modelled(&tag_name) {
                        return None;
                    }
                    self.count_node()?;
                    if self.open.len() + open.len() >= self.max_depth {
                        return None;
                    }
                    let name = foreign_name(&tag_name, svg);
                    let dropped = self.policy.action_for(&name) == TagAction::Drop;
                    // An unwrapped block gets newlines beside it, which
                    // the fast path works out for HTML elements only.
                    if visible && !dropped && tags::breaks_line(&name) {
                        return None;
                    }
                    self.pos = tag.end;
                    self.lexer_agrees(&tag_name, tag.self_closing)?;
                    if !tag.self_closing {
                        open.push(tag_name);
                        if visible && !dropped {
                            shown += 1;
                        }
                    }
                }
                Some(b'/') => {
                    let close = self.plain_end_tag(self.pos)?;
                    let name = self.input.get(close.name)?.to_ascii_lowercase();
                    // `</p>` and `</br>` break out as start tags do.
                    if name == "p" || name == "br" {
                        break Some(());
                    }
                    // The innermost open element of that name, and all
                    // above it; with none, the tree builder reads the end
                    // tag by the "in body" rules, foreign elements open.
                    let k = open.iter().rposition(|o| *o == name)?;
                    open.truncate(k);
                    shown = shown.min(k);
                    self.pos = close.end;
                    if open.is_empty() {
                        break Some(());
                    }
                }
                Some(b'!') if self.input[self.pos..].starts_with("<!--") => {
                    // The parser checks a comment's depth as an element's.
                    if self.open.len() + open.len() >= self.max_depth {
                        return None;
                    }
                    if visible {
                        self.comment()?;
                    } else {
                        self.count_node()?;
                        self.pos = self.plain_comment_end()?;
                    }
                }
                // Declarations, CDATA sections (which only foreign content
                // has, and the lexical step does not know), processing
                // instructions: left to the full pipeline.
                Some(b'!' | b'?') => return None,
                // A `<` before anything else is text.
                _ => {
                    self.count_node()?;
                    if visible {
                        self.write_text("<");
                        self.note_text(b'<');
                    }
                    self.pos += 1;
                }
            }
        };
        // The text and comments read were the foreign elements' children;
        // the current node's last child is the root.
        if let Some(o) = self.open.last_mut() {
            o.last_child = Sibling::Node;
        }
        done
    }

    /// The text from `self.pos` to `end` inside foreign content: written
    /// if `visible`, skipped otherwise. A NUL is a token of its own, which
    /// the nesting budget charges as the text around it: text with one is
    /// for the full pipeline, whose charge the loop's two tokens a run
    /// would not bound (`text_span` refuses it where the text is written).
    fn foreign_text(&mut self, end: usize, visible: bool) -> Option<()> {
        if end == self.pos {
            return Some(());
        }
        self.count_node()?;
        if visible {
            self.text_span(self.pos..end, true)?;
        } else if memchr::memchr(0, &self.bytes[self.pos..end]).is_some() {
            return None;
        }
        self.pos = end;
        Some(())
    }
}

impl Fast<'_> {
    /// After the start tag of foreign element `name`: whether the lexical
    /// step, which reads `script`, `style`, `textarea` and the like as raw
    /// text in any namespace, and the tokenizer, which does not in foreign
    /// content, see the same tags from here on. They do when the element's
    /// content has no `<` and its end tag follows (then both read that end
    /// tag next); otherwise the lexical step could take markup the
    /// tokenizer reads as tags for text, or the other way round, and
    /// escape what the fast path would not.
    fn lexer_agrees(&self, name: &str, self_closing: bool) -> Option<()> {
        let Some(end) = raw_text_content_end(self.input, self.pos, name) else {
            return Some(());
        };
        if self_closing || memchr::memchr(b'<', &self.bytes[self.pos..end]).is_some() {
            return None;
        }
        let close = self.plain_end_tag(end)?;
        self.input[close.name]
            .eq_ignore_ascii_case(name)
            .then_some(())
    }

    /// The end (just past `-->`) of the comment at `self.pos`, if it has
    /// the plain form the fast path reads (`plain_comment`).
    fn plain_comment_end(&self) -> Option<usize> {
        let body_start = self.pos + 4;
        let len = memchr::memmem::find(&self.bytes[body_start..], b"-->")?;
        super::plain_comment(&self.input[body_start..body_start + len])
            .then_some(body_start + len + 3)
    }
}

/// The name the tree builder gives a foreign element whose start tag
/// reads `name` (lower case): in SVG, some are camel-cased (html5ever's
/// `adjust_svg_tag_name`), and the sanitizer asks the policy about that
/// name.
fn foreign_name(name: &str, svg: bool) -> LocalName {
    let adjusted = match name {
        _ if !svg => name,
        "altglyph" => "altGlyph",
        "altglyphdef" => "altGlyphDef",
        "altglyphitem" => "altGlyphItem",
        "animatecolor" => "animateColor",
        "animatemotion" => "animateMotion",
        "animatetransform" => "animateTransform",
        "clippath" => "clipPath",
        "feblend" => "feBlend",
        "fecolormatrix" => "feColorMatrix",
        "fecomponenttransfer" => "feComponentTransfer",
        "fecomposite" => "feComposite",
        "feconvolvematrix" => "feConvolveMatrix",
        "fediffuselighting" => "feDiffuseLighting",
        "fedisplacementmap" => "feDisplacementMap",
        "fedistantlight" => "feDistantLight",
        "fedropshadow" => "feDropShadow",
        "feflood" => "feFlood",
        "fefunca" => "feFuncA",
        "fefuncb" => "feFuncB",
        "fefuncg" => "feFuncG",
        "fefuncr" => "feFuncR",
        "fegaussianblur" => "feGaussianBlur",
        "feimage" => "feImage",
        "femerge" => "feMerge",
        "femergenode" => "feMergeNode",
        "femorphology" => "feMorphology",
        "feoffset" => "feOffset",
        "fepointlight" => "fePointLight",
        "fespecularlighting" => "feSpecularLighting",
        "fespotlight" => "feSpotLight",
        "fetile" => "feTile",
        "feturbulence" => "feTurbulence",
        "foreignobject" => "foreignObject",
        "glyphref" => "glyphRef",
        "lineargradient" => "linearGradient",
        "radialgradient" => "radialGradient",
        "textpath" => "textPath",
        _ => name,
    };
    LocalName::from(adjusted)
}
