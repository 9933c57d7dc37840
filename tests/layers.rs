//! The library's architecture, held by a test: its top-level modules in
//! layers, each importing only from layers below its own, so no import
//! cycle can form and a change that reaches up fails here with the line
//! that did it. The command line (`src/cli`, `src/main.rs`) sits on top
//! and is not checked.

use std::collections::BTreeMap;
use std::path::Path;

/// The layers, lowest first. A module may import (`crate::name`) only
/// modules of lower layers; `lib` is the face and imports anything.
const LAYERS: &[&[&str]] = &[
    // Vocabulary: tag tables, limits, the arena tree, the lexical step.
    &["tags", "limits", "ids", "dom", "lexer"],
    &["error", "report", "nesting"],
    &["css"],
    // What to keep, as data.
    &["policy"],
    &["url", "links"],
    // The diary transforms, and the decisions both paths share.
    &["transform"],
    &["rules"],
    &["parse", "serialize"],
    // The two paths.
    &["sanitize"],
    &["fastpath"],
    &["pipeline"],
    // Output forms built on the pipeline.
    &["excerpt", "plain_text"],
    &["lib"],
];

/// No source file is longer than this: a longer one is split on a
/// pipeline boundary.
const MAX_LINES: usize = 800;

/// Files still over [`MAX_LINES`], each to be split by stage; the test
/// fails once one of them fits, so that it leaves this list.
const NOT_YET_SPLIT: &[&str] = &["fastpath.rs"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules `source` imports: every `crate::name` path,
/// braced lists included, outside comments and `#[cfg(test)] mod tests`.
fn imports(source: &str) -> Vec<(String, usize)> {
    let code = source
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    let mut found = Vec::new();
    let mut in_braces = false;
    for (n, line) in code.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(list) = rest.strip_prefix('{') {
                in_braces = !list.contains('}');
                found.extend(names_in_list(list).map(|m| (m, n + 1)));
            } else {
                found.extend(first_name(rest).map(|m| (m, n + 1)));
            }
        }
        if in_braces && !line.contains("crate::") {
            found.extend(names_in_list(line).map(|m| (m, n + 1)));
            in_braces = !line.contains('}');
        }
    }
    found
}

/// The module names (lower case first letter) in a `{a, b::C, D}` list.
fn names_in_list(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(['{', '}', ','])
        .filter_map(|item| first_name(item.trim()))
}

/// `name` of `name::…` or `name`, if it names a module (lower case), not a
/// re-exported type or `self`.
fn first_name(path: &str) -> Option<String> {
    let name: String = path
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (name.starts_with(|c: char| c.is_ascii_lowercase()) && name != "self").then_some(name)
}

/// Every library source file, as (top-level module, path, text).
fn sources() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            let rel = path
                .strip_prefix(&src)
                .expect("under src/")
                .to_string_lossy()
                .into_owned();
            if rel == "cli" || rel == "main.rs" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if rel.ends_with(".rs") {
                let top = rel
                    .split('/')
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(".rs")
                    .to_owned();
                let text = std::fs::read_to_string(&path).expect("UTF-8 source");
                out.push((top, rel, text));
            }
        }
    }
    out.sort();
    out
}

/// The imports that break the layer order, as readable lines.
fn violations(files: &[(String, String, String)]) -> Vec<String> {
    let mut bad = Vec::new();
    for (module, path, text) in files {
        let Some(own) = layer_of(module) else {
            bad.push(format!(
                "{path}: module `{module}` is in no layer of LAYERS"
            ));
            continue;
        };
        for (import, line) in imports(text) {
            if import == *module {
                continue;
            }
            match layer_of(&import) {
                Some(layer) if layer < own => {}
                Some(_) => bad.push(format!(
                    "{path}:{line}: `{module}` imports `{import}`, which is not in a lower layer"
                )),
                None => bad.push(format!(
                    "{path}:{line}: `{import}` is in no layer of LAYERS"
                )),
            }
        }
    }
    bad
}

#[test]
fn modules_import_only_lower_layers() {
    let files = sources();
    assert!(files.len() > 30, "found {} source files", files.len());
    let bad = violations(&files);
    assert!(
        bad.is_empty(),
        "layer order broken:\n  {}",
        bad.join("\n  ")
    );
}

#[test]
fn the_layer_check_fails_on_an_upward_import() {
    let file =
        |module: &str, text: &str| (module.to_owned(), format!("{module}.rs"), text.to_owned());
    // The policy reading the fast path, the sanitizer or the pipeline:
    // each one an arrow pointing up.
    let files = [
        file("policy", "use crate::fastpath::AttrNames;\n"),
        file(
            "parse",
            "use crate::{\n    limits::Limits,\n    fastpath::Fast,\n};\n",
        ),
        file("lexer", "fn f() { crate::pipeline::clean(); }\n"),
        // Comments, test modules and re-exported types do not count.
        file(
            "tags",
            "// crate::pipeline\nuse crate::Policy;\n#[cfg(test)]\nmod tests {\n    use crate::lib;\n}\n",
        ),
    ];
    let bad = violations(&files);
    assert_eq!(bad.len(), 3, "{bad:#?}");
    assert!(bad[0].contains("`policy` imports `fastpath`"), "{}", bad[0]);
    assert!(
        bad[1].contains("parse.rs:3: `parse` imports `fastpath`"),
        "{}",
        bad[1]
    );
    assert!(bad[2].contains("`lexer` imports `pipeline`"), "{}", bad[2]);
}

#[test]
fn no_source_file_is_over_the_line_limit() {
    let long: BTreeMap<String, usize> = sources()
        .into_iter()
        .map(|(_, path, text)| (path, text.lines().count()))
        .filter(|&(_, lines)| lines > MAX_LINES)
        .collect();
    let listed: Vec<&str> = long.keys().map(String::as_str).collect();
    assert_eq!(listed, NOT_YET_SPLIT, "over {MAX_LINES} lines: {long:?}");
}
