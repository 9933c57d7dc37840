//! `--report`: one line per input (and per JSONL record) saying what
//! cleaning removed or changed. Lines go to stderr through
//! [`Diag`](super::diag::Diag), so that stdout keeps only the cleaned
//! output.
//!
//! - `text`: `FILE: N changes: element script (dropped), attribute onclick
//!   (attribute_not_allowed) ×2` — only inputs with changes, for reading.
//! - `json`: `{"file": …, "changed": …, "changes": [Change, …]}` for every
//!   input, and `{"file": …, "line": …, "id": …, "changed": …, "changes":
//!   […]}` for every JSONL record, with `Change` as the library serializes
//!   it. `changed` says whether the output differs from the input at all.

use safe_markup::Report;
use serde::Serialize;
use serde_json::value::RawValue;

/// The `--report` format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
}

/// Which input a report line is about.
pub struct Subject<'a> {
    pub file: &'a str,
    /// For a JSONL record: its line number and its `id` field, as written.
    pub record: Option<(u64, Option<&'a RawValue>)>,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a RawValue>,
    changed: bool,
    #[serde(flatten)]
    report: &'a Report,
}

/// The report line for one input or record, without its newline; `None`
/// when the text format has nothing to say.
pub fn line(
    format: ReportFormat,
    subject: &Subject,
    changed: bool,
    report: &Report,
) -> Option<String> {
    match format {
        ReportFormat::Json => {
            let line = JsonLine {
                file: subject.file,
                line: subject.record.map(|(line, _)| line),
                id: subject.record.and_then(|(_, id)| id),
                changed,
                report,
            };
            // Serializing plain data to a Vec cannot fail; should it ever,
            // the report line is the only thing lost.
            serde_json::to_string(&line).ok()
        }
        ReportFormat::Text if report.is_empty() => None,
        ReportFormat::Text => Some(text(subject, report)),
    }
}

fn text(subject: &Subject, report: &Report) -> String {
    let mut line = String::from(subject.file);
    if let Some((number, id)) = subject.record {
        line.push_str(&format!(":{number}"));
        if let Some(id) = id {
            line.push_str(&format!(" (id {})", shorten(id.get(), 40)));
        }
    }
    let n = report.len();
    line.push_str(&format!(": {n} change{}: ", if n == 1 { "" } else { "s" }));
    let items: Vec<String> = report
        .counts()
        .iter()
        .map(|count| {
            let mut item = snake(&count.kind);
            if !count.name.is_empty() {
                item.push(' ');
                item.push_str(&count.name);
            }
            item.push_str(&format!(" ({})", snake(&count.rule)));
            if count.count > 1 {
                item.push_str(&format!(" ×{}", count.count));
            }
            item
        })
        .collect();
    line.push_str(&items.join(", "));
    line
}

/// The library's serde name for a kind or rule (`dropped`,
/// `attribute_not_allowed`, `limit_exceeded(depth)`), so that the text
/// and JSON reports use the same words.
fn snake(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}({s})"),
                other => format!("{k}({other})"),
            })
            .collect::<Vec<_>>()
            .join(","),
        Ok(other) => other.to_string(),
        Err(_) => "?".to_owned(),
    }
}

/// At most `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safe_markup::Policy;

    #[test]
    fn text_and_json_lines() {
        let report = Policy::ugc()
            .clean_report("<b onclick=a onmouseover=b>x</b><script>y</script><!-- c -->")
            .report;
        let subject = Subject {
            file: "a.html",
            record: None,
        };
        let text = line(ReportFormat::Text, &subject, true, &report);
        assert_eq!(
            text.as_deref(),
            Some(
                "a.html: 4 changes: element script (dropped), attribute onclick (attribute_not_allowed), attribute onmouseover (attribute_not_allowed), comment (comment)"
            )
        );
        let json = line(ReportFormat::Json, &subject, true, &report).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(value["file"], "a.html");
        assert_eq!(value["changed"], true);
        assert_eq!(value["changes"].as_array().map(Vec::len), Some(4));

        let id = RawValue::from_string("\"post-1\"".to_owned()).ok();
        let record = Subject {
            file: "x.jsonl",
            record: Some((3, id.as_deref())),
        };
        let text = line(ReportFormat::Text, &record, true, &report).unwrap_or_default();
        assert!(
            text.starts_with("x.jsonl:3 (id \"post-1\"): 4 changes"),
            "{text}"
        );
        let empty = Report::default();
        assert_eq!(line(ReportFormat::Text, &record, false, &empty), None);
    }
}
