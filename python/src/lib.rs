//! The native half of the `safe_markup` Python package: the library's
//! `Policy` as a Python class, its report as `Change` records, and the
//! exceptions. The nh3-compatible layer (`clean`, `Cleaner`, the
//! constants) is Python in `safe_markup/_nh3.py`, on top of this.
//!
//! Two rules hold everywhere here: the GIL is released while Rust cleans
//! (other Python threads run meanwhile), and nothing panics into Python:
//! every bad argument becomes a `TypeError` or `ValueError`.

use std::ops::Range;

use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyIterator, PyString};
use rayon::prelude::*;

mod detect;

create_exception!(
    safe_markup,
    PolicyError,
    PyValueError,
    "A policy was rejected when built: a tag or attribute that can never be kept safely, an unknown preset, a malformed policy file."
);
create_exception!(
    safe_markup,
    CleanError,
    PyValueError,
    "An input was rejected by `Policy.try_clean`."
);
create_exception!(
    safe_markup,
    LimitExceeded,
    CleanError,
    "The input crossed one of the policy's limits. `limit` names it (\"input_bytes\", \"depth\", \"nodes\", \"attributes\", \"nesting\") and `max` is its configured value."
);

/// The name the library's serde derive gives an enum value ("url_scheme"),
/// and for a variant with a payload (`limit_exceeded(depth)`) the
/// payload's name too. Unit and newtype variants are all the report has.
fn serde_name<T: serde::Serialize>(value: &T) -> (String, Option<String>) {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => (s, None),
        Ok(serde_json::Value::Object(map)) => match map.into_iter().next() {
            Some((key, serde_json::Value::String(inner))) => (key, Some(inner)),
            Some((key, other)) => (key, Some(other.to_string())),
            None => (String::new(), None),
        },
        // Not reachable with the library's derives; a name is still better
        // than an exception from inside a report.
        Ok(other) => (other.to_string(), None),
        Err(_) => (String::from("unknown"), None),
    }
}

/// One thing cleaning removed or changed.
///
/// `kind` is what changed ("element", "attribute", "url", "comment",
/// "text", "input", "declaration"); `name` the tag or attribute name
/// (empty for comments and text); `rule` why ("unwrapped", "dropped",
/// "attribute_not_allowed", "url_scheme", "limit_exceeded", …); `element`
/// the element an attribute or URL was on; `url` the URL refused or
/// rewritten; `span` the byte range in the input's UTF-8, where known;
/// `limit` the limit crossed when `rule` is "limit_exceeded".
#[pyclass(frozen, eq, get_all, module = "safe_markup", name = "Change")]
#[derive(Clone, PartialEq, Eq)]
struct Change {
    kind: String,
    name: String,
    rule: String,
    element: Option<String>,
    url: Option<String>,
    span: Option<(usize, usize)>,
    limit: Option<String>,
}

impl Change {
    fn from_lib(change: &safe_markup::Change) -> Change {
        let (kind, _) = serde_name(&change.kind);
        let (rule, limit) = serde_name(&change.rule);
        Change {
            kind,
            name: change.name.clone(),
            rule,
            element: change.element.clone(),
            url: change.url.clone(),
            span: change.span.clone().map(|Range { start, end }| (start, end)),
            limit,
        }
    }
}

#[pymethods]
impl Change {
    fn __repr__(&self) -> String {
        let mut out = format!(
            "Change(kind={:?}, name={:?}, rule={:?}",
            self.kind, self.name, self.rule
        );
        if let Some(element) = &self.element {
            out.push_str(&format!(", element={element:?}"));
        }
        if let Some(url) = &self.url {
            out.push_str(&format!(", url={url:?}"));
        }
        if let Some((start, end)) = self.span {
            out.push_str(&format!(", span=({start}, {end})"));
        }
        if let Some(limit) = &self.limit {
            out.push_str(&format!(", limit={limit:?}"));
        }
        out.push(')');
        out
    }
}

/// The result of `Policy.clean_report` and `Policy.try_clean`: the safe
/// HTML in `html`, and in `changes` every change made, in document order.
/// `limit_exceeded` names the limit crossed, if one was (the HTML is then
/// the whole input as escaped text). Unpacks as `html, changes = ...`.
#[pyclass(frozen, get_all, module = "safe_markup", name = "Cleaned")]
struct Cleaned {
    html: String,
    changes: Vec<Change>,
    limit_exceeded: Option<String>,
}

impl Cleaned {
    fn from_lib(cleaned: safe_markup::Cleaned) -> Cleaned {
        let changes = cleaned
            .report
            .changes()
            .iter()
            .map(Change::from_lib)
            .collect();
        let limit_exceeded = cleaned
            .report
            .limit_exceeded()
            .map(|limit| serde_name(&limit).0);
        Cleaned {
            html: cleaned.html,
            changes,
            limit_exceeded,
        }
    }
}

#[pymethods]
impl Cleaned {
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        (self.html.clone(), self.changes.clone())
            .into_pyobject(py)?
            .as_any()
            .try_iter()
    }

    fn __repr__(&self) -> String {
        format!(
            "Cleaned(html={:?}, changes=<{} changes>)",
            self.html,
            self.changes.len()
        )
    }
}

/// Every string of an iterable, for a keyword that takes a set of names.
/// A lone `str` is refused: iterating it would give single letters, never
/// what the caller meant.
fn names(value: &Bound<'_, PyAny>, keyword: &str) -> PyResult<Vec<String>> {
    if value.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{keyword}: expected a set of strings, got a single str"
        )));
    }
    let iter = value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{keyword}: expected a set of strings, got {}",
            type_name(value)
        ))
    })?;
    let mut out = Vec::new();
    for item in iter {
        let item = item?;
        let s: String = item.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "{keyword}: expected strings, got {}",
                type_name(&item)
            ))
        })?;
        out.push(s);
    }
    Ok(out)
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| String::from("object"))
}

/// The pairs of a mapping from tag names to sets of attribute names.
fn tag_map(value: &Bound<'_, PyAny>, keyword: &str) -> PyResult<Vec<(String, Vec<String>)>> {
    let items = value.call_method0("items").map_err(|_| {
        PyTypeError::new_err(format!(
            "{keyword}: expected a mapping of tag names to sets of strings, got {}",
            type_name(value)
        ))
    })?;
    let mut out = Vec::new();
    for pair in items.try_iter()? {
        let (tag, attrs): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
        let tag: String = tag.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "{keyword}: keys must be str, got {}",
                type_name(&tag)
            ))
        })?;
        let attrs = names(&attrs, &format!("{keyword}[{tag:?}]"))?;
        out.push((tag, attrs));
    }
    Ok(out)
}

/// A mapping from tag names to mappings from attribute names to `V`
/// (`{"ol": {"type": {"1", "a"}}}`, `{"img": {"loading": "lazy"}}`).
fn tag_attr_map<'py, V>(
    value: &Bound<'py, PyAny>,
    keyword: &str,
    mut inner: impl FnMut(&Bound<'py, PyAny>, &str) -> PyResult<V>,
) -> PyResult<Vec<(String, String, V)>> {
    let expected = |v: &Bound<'_, PyAny>| {
        PyTypeError::new_err(format!(
            "{keyword}: expected a mapping of tag names to mappings of attribute names, got {}",
            type_name(v)
        ))
    };
    let items = value.call_method0("items").map_err(|_| expected(value))?;
    let mut out = Vec::new();
    for pair in items.try_iter()? {
        let (tag, attrs): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
        let tag: String = tag.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "{keyword}: keys must be str, got {}",
                type_name(&tag)
            ))
        })?;
        let attr_items = attrs.call_method0("items").map_err(|_| expected(&attrs))?;
        for pair in attr_items.try_iter()? {
            let (attr, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
            let attr: String = attr.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{keyword}[{tag:?}]: keys must be str, got {}",
                    type_name(&attr)
                ))
            })?;
            let v = inner(&v, &format!("{keyword}[{tag:?}][{attr:?}]"))?;
            out.push((tag.clone(), attr, v));
        }
    }
    Ok(out)
}

fn policy_error(err: safe_markup::PolicyError) -> PyErr {
    PolicyError::new_err(err.to_string())
}

fn tag_action(name: &str) -> PyResult<safe_markup::TagAction> {
    use safe_markup::TagAction;
    match name {
        "keep" => Ok(TagAction::Keep),
        "unwrap" => Ok(TagAction::Unwrap),
        "drop" => Ok(TagAction::Drop),
        "escape" => Ok(TagAction::Escape),
        other => Err(PyValueError::new_err(format!(
            "other_tags: expected \"unwrap\", \"drop\" or \"escape\", got {other:?}"
        ))),
    }
}

/// An immutable sanitizing policy. Build one at start-up and share it
/// between threads: cleaning releases the GIL and never fails.
///
/// Start from a preset (`Policy.ugc()`, `.strict()`, `.text()`,
/// `.diary()`, `.diary_untrusted()`), a TOML policy file
/// (`Policy.from_toml(text)`), or keywords: `Policy(tags={"p", "a"},
/// attributes={"a": {"href"}, "*": {"lang"}}, url_schemes={"https"})`.
/// With `base="strict"` the keywords add to a preset (tags and
/// attributes are added; `url_schemes` replaces the preset's list).
/// Without `base`, a policy keeps nothing that is not named.
#[pyclass(frozen, module = "safe_markup", name = "Policy")]
struct Policy {
    inner: safe_markup::Policy,
    label: String,
}

impl Policy {
    fn preset(name: &str) -> Policy {
        // The names below are the library's own presets, so `preset` finds
        // each; the fallback keeps this total without a panic path.
        let inner = safe_markup::Policy::preset(name).unwrap_or_else(safe_markup::Policy::strict);
        Policy {
            inner,
            label: format!("Policy.{}()", name.replace('-', "_")),
        }
    }
}

#[pymethods]
impl Policy {
    #[new]
    #[pyo3(signature = (
        *,
        base=None,
        tags=None,
        attributes=None,
        url_schemes=None,
        relative_urls=None,
        link_rel=None,
        comments=None,
        drop_tags=None,
        escape_tags=None,
        unwrap_tags=None,
        other_tags=None,
        style_properties=None,
        id_prefix=None,
        attribute_values=None,
        allowed_classes=None,
        attribute_prefixes=None,
        forced_attributes=None,
        max_input_bytes=None,
        max_depth=None,
        max_nodes=None,
        max_attributes=None,
        max_nesting_per_byte=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        base: Option<&str>,
        tags: Option<&Bound<'_, PyAny>>,
        attributes: Option<&Bound<'_, PyAny>>,
        url_schemes: Option<&Bound<'_, PyAny>>,
        relative_urls: Option<&str>,
        link_rel: Option<&str>,
        comments: Option<bool>,
        drop_tags: Option<&Bound<'_, PyAny>>,
        escape_tags: Option<&Bound<'_, PyAny>>,
        unwrap_tags: Option<&Bound<'_, PyAny>>,
        other_tags: Option<&str>,
        style_properties: Option<&Bound<'_, PyAny>>,
        id_prefix: Option<&str>,
        attribute_values: Option<&Bound<'_, PyAny>>,
        allowed_classes: Option<&Bound<'_, PyAny>>,
        attribute_prefixes: Option<&Bound<'_, PyAny>>,
        forced_attributes: Option<&Bound<'_, PyAny>>,
        max_input_bytes: Option<usize>,
        max_depth: Option<usize>,
        max_nodes: Option<usize>,
        max_attributes: Option<usize>,
        max_nesting_per_byte: Option<usize>,
    ) -> PyResult<Policy> {
        let (mut b, mut limits) = match base {
            None => (
                safe_markup::Policy::builder(),
                safe_markup::Limits::default(),
            ),
            Some(name) => {
                let preset = safe_markup::Policy::preset(&name.replace('_', "-")).ok_or_else(|| {
                    PolicyError::new_err(format!(
                        "base: no preset named {name:?} (ugc, strict, text, diary, diary_untrusted)"
                    ))
                })?;
                (preset.to_builder(), *preset.limits())
            }
        };
        if let Some(v) = drop_tags {
            b = b.drop_tags(names(v, "drop_tags")?);
        }
        if let Some(v) = escape_tags {
            b = b.escape_tags(names(v, "escape_tags")?);
        }
        if let Some(v) = unwrap_tags {
            b = b.unwrap_tags(names(v, "unwrap_tags")?);
        }
        if let Some(v) = tags {
            b = b.allow_tags(names(v, "tags")?);
        }
        if let Some(v) = attributes {
            for (tag, attrs) in tag_map(v, "attributes")? {
                // nh3's convention, kept so its dictionaries work as they are.
                if tag == "*" {
                    b = b.allow_generic_attrs(attrs);
                } else {
                    b = b.allow_attrs(tag, attrs);
                }
            }
        }
        if let Some(v) = url_schemes {
            b = b.url_schemes(names(v, "url_schemes")?);
        }
        if let Some(v) = relative_urls {
            b = b.relative_urls(match v {
                "pass" => safe_markup::RelativeUrls::Pass,
                "deny" => safe_markup::RelativeUrls::Deny,
                base_url => safe_markup::RelativeUrls::Rewrite(base_url.to_owned()),
            });
        }
        if let Some(v) = link_rel {
            b = b.link_rel(v);
        }
        if let Some(v) = comments {
            b = b.comments(v);
        }
        if let Some(v) = other_tags {
            b = b.other_tags(tag_action(v)?);
        }
        if let Some(v) = style_properties {
            b = b.allow_style_properties(names(v, "style_properties")?);
        }
        if let Some(v) = id_prefix {
            b = b.id_prefix(v);
        }
        if let Some(v) = attribute_values {
            for (tag, attr, values) in tag_attr_map(v, "attribute_values", |v, kw| names(v, kw))? {
                b = b.attr_values(tag, attr, values);
            }
        }
        if let Some(v) = allowed_classes {
            for (tag, classes) in tag_map(v, "allowed_classes")? {
                b = b.allowed_classes(tag, classes);
            }
        }
        if let Some(v) = attribute_prefixes {
            b = b.allow_attr_prefixes(names(v, "attribute_prefixes")?);
        }
        if let Some(v) = forced_attributes {
            let str_value = |v: &Bound<'_, PyAny>, kw: &str| -> PyResult<String> {
                v.extract().map_err(|_| {
                    PyTypeError::new_err(format!("{kw}: expected str, got {}", type_name(v)))
                })
            };
            for (tag, attr, value) in tag_attr_map(v, "forced_attributes", str_value)? {
                b = b.force_attr(tag, attr, value);
            }
        }
        let mut set_limits = false;
        for (slot, value) in [
            (&mut limits.max_input_bytes, max_input_bytes),
            (&mut limits.max_depth, max_depth),
            (&mut limits.max_nodes, max_nodes),
            (&mut limits.max_attributes, max_attributes),
            (&mut limits.max_nesting_per_byte, max_nesting_per_byte),
        ] {
            if let Some(v) = value {
                *slot = v;
                set_limits = true;
            }
        }
        if set_limits {
            b = b.limits(limits);
        }
        let inner = b.build().map_err(policy_error)?;
        let label = match base {
            Some(name) => format!("Policy(base={name:?}, ...)"),
            None => String::from("Policy(...)"),
        };
        Ok(Policy { inner, label })
    }

    /// ammonia's (and so nh3's) default allowlist, for general
    /// user-generated content; links get `rel="noopener noreferrer"`.
    #[staticmethod]
    fn ugc() -> Policy {
        Policy::preset("ugc")
    }

    /// Inline formatting and links only, for comments and short replies;
    /// links are http, https or mailto and get
    /// `rel="nofollow ugc noopener noreferrer"`.
    #[staticmethod]
    fn strict() -> Policy {
        Policy::preset("strict")
    }

    /// No markup at all: the input is shown exactly as typed, as text.
    #[staticmethod]
    fn text() -> Policy {
        Policy::preset("text")
    }

    /// For a diary written by its owner: rich formatting, and the special
    /// tags (`<person>name</person>` becomes a link to the person's page).
    #[staticmethod]
    fn diary() -> Policy {
        Policy::preset("diary")
    }

    /// The diary policy for entries written by others: links get
    /// `rel="nofollow ugc"`.
    #[staticmethod]
    fn diary_untrusted() -> Policy {
        Policy::preset("diary-untrusted")
    }

    /// A policy from the text of a TOML policy file; raises `PolicyError`
    /// with the library's message when the file is malformed or unsafe.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Policy> {
        let inner = safe_markup::Policy::from_toml(text).map_err(policy_error)?;
        Ok(Policy {
            inner,
            label: String::from("Policy.from_toml(...)"),
        })
    }

    /// Cleans `html` into safe HTML. Never fails: past a limit the input is
    /// shown as escaped text.
    fn clean(&self, py: Python<'_>, html: PyBackedStr) -> String {
        py.detach(|| self.inner.clean(&html))
    }

    /// Cleans `html` and reports every change: a `Cleaned` with `html`,
    /// `changes` (a list of `Change`) and `limit_exceeded`.
    fn clean_report(&self, py: Python<'_>, html: PyBackedStr) -> Cleaned {
        Cleaned::from_lib(py.detach(|| self.inner.clean_report(&html)))
    }

    /// Like `clean_report`, but raises `LimitExceeded` (a `ValueError`)
    /// when the input crosses one of the policy's limits, for callers that
    /// would rather reject the post than show it as text.
    fn try_clean(&self, py: Python<'_>, html: PyBackedStr) -> PyResult<Cleaned> {
        match py.detach(|| self.inner.try_clean(&html)) {
            Ok(cleaned) => Ok(Cleaned::from_lib(cleaned)),
            Err(err) => {
                let safe_markup::CleanErrorKind::LimitExceeded { limit, max } = err.kind() else {
                    return Err(CleanError::new_err(err.to_string()));
                };
                let exc = LimitExceeded::new_err(err.to_string());
                let value = exc.value(py);
                value.setattr("limit", serde_name(limit).0)?;
                value.setattr("max", *max)?;
                Err(exc)
            }
        }
    }

    /// The cleaned HTML cut to at most `max_chars` visible characters at a
    /// word boundary, with every element closed (for previews).
    fn excerpt(&self, py: Python<'_>, html: PyBackedStr, max_chars: i64) -> PyResult<String> {
        let max_chars = usize::try_from(max_chars).map_err(|_| {
            PyValueError::new_err(format!("max_chars must be >= 0, got {max_chars}"))
        })?;
        Ok(py.detach(|| self.inner.excerpt(&html, max_chars)))
    }

    /// The cleaned HTML as plain text, with line breaks between blocks.
    /// It is text, not HTML: escape it before putting it in a page.
    fn to_text(&self, py: Python<'_>, html: PyBackedStr) -> String {
        py.detach(|| self.inner.to_text(&html))
    }

    /// Cleans every string of `htmls` in parallel on all cores, with the
    /// GIL released, and returns the results in the same order.
    fn clean_many(&self, py: Python<'_>, htmls: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        if htmls.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "clean_many: expected an iterable of str, got a single str",
            ));
        }
        let mut inputs: Vec<PyBackedStr> = Vec::new();
        for (i, item) in htmls.try_iter()?.enumerate() {
            let item = item?;
            inputs.push(item.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "clean_many: item {i} is {}, expected str",
                    type_name(&item)
                ))
            })?);
        }
        let policy = &self.inner;
        Ok(py.detach(|| inputs.par_iter().map(|html| policy.clean(html)).collect()))
    }

    fn __repr__(&self) -> String {
        self.label.clone()
    }
}

/// Whether `html` holds any HTML syntax (a tag, comment, doctype or
/// character reference is not needed: a tag or comment is), as nh3's
/// `is_html`. `Vec::<u8>::new()` counts: `<u8>` is a start tag.
#[pyfunction]
fn is_html(py: Python<'_>, html: PyBackedStr) -> bool {
    py.detach(|| detect::is_html(&html))
}

/// Escapes every character of `text` that has a meaning in HTML, so it
/// shows as typed wherever it is put (the library's `clean_text`, as
/// ammonia's and nh3's).
#[pyfunction]
fn clean_text(py: Python<'_>, text: PyBackedStr) -> String {
    py.detach(|| safe_markup::clean_text(&text))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Policy>()?;
    m.add_class::<Cleaned>()?;
    m.add_class::<Change>()?;
    m.add_function(wrap_pyfunction!(is_html, m)?)?;
    m.add_function(wrap_pyfunction!(clean_text, m)?)?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("CleanError", py.get_type::<CleanError>())?;
    m.add("LimitExceeded", py.get_type::<LimitExceeded>())?;
    Ok(())
}
