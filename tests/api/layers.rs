//! The crate's layers, kept one-way: every module may use its own layer and the layers below it, never
//! one above; no two top-level modules reach each other; and no files form a loop (a parent `mod.rs`
//! and its own children excepted). Read from the sources' `crate::` and `super::` paths, test modules
//! left out. The order is written here once; docs/architecture.md ("Layers") draws it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Bottom first. A top-level module (a folder or a file under `src/`) belongs to exactly one layer.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &["domain", "i18n", "brand"]),
    ("db", &["db", "node", "supervise", "metrics"]),
    ("events", &["events"]),
    ("core", &["consent", "audiences"]),
    (
        "services",
        &[
            "auth",
            "integrations",
            "delivery",
            "mail",
            "webhooks",
            "imports",
            "exports",
            "sendfile",
            "outgoing",
            "secrets",
        ],
    ),
    ("http edge", &["routes"]),
    (
        "binaries",
        &["startup", "config", "cli", "commands", "main", "lib"],
    ),
];

/// Macros exported at the crate root (`#[macro_export]`), by the file that defines them.
const MACROS: &[(&str, &str)] = &[("on_backend", "db/mod.rs")];

/// One use of another module: where it is written and what it names.
#[derive(Clone, Debug)]
struct Use {
    from: String,
    line: usize,
    path: String,
    to: String,
}

/// Module path of a file under `src/`: `consent/batch/mod.rs` is `consent::batch`.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn top(file: &str) -> String {
    module_of(file)
        .first()
        .cloned()
        .unwrap_or_else(|| "lib".into())
}

/// The source with comments and the insides of string and character literals blanked (newlines kept,
/// so line numbers stay), cut at the first `#[cfg(test)] mod`.
fn code_of(text: &str) -> String {
    let cut = text.find("#[cfg(test)]").and_then(|i| {
        let rest = text[i + 12..].trim_start();
        rest.starts_with("mod ").then_some(i)
    });
    let text = &text[..cut.unwrap_or(text.len())];
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                while i < c.len() && !(c[i] == '*' && c.get(i + 1) == Some(&'/')) {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                i += 2;
            }
            'r' if (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#'))
                && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_')) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push(c[i]);
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= c.len() {
                        break;
                    }
                    if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    blank(&mut out, c[j]);
                    j += 1;
                }
                i = j;
            }
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        i += 1;
                    }
                    if i < c.len() {
                        blank(&mut out, c[i]);
                    }
                    i += 1;
                }
                i += 1;
            }
            // A character literal ('x', '\n', '"'); a lifetime ('a) is left as it is.
            '\'' if c.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if c.get(i + 2) == Some(&'\'') => i += 3,
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// The paths named at `i` (just after `crate::` or `super::`), a `{…}` group expanded.
fn paths_at(c: &[char], mut i: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    loop {
        while c.get(i).is_some_and(|ch| ch.is_whitespace()) {
            i += 1;
        }
        if c.get(i) == Some(&'{') {
            i += 1;
            loop {
                while c.get(i).is_some_and(|ch| ch.is_whitespace() || *ch == ',') {
                    i += 1;
                }
                if i >= c.len() || c[i] == '}' {
                    return i + 1;
                }
                i = paths_at(c, i, path.clone(), out);
            }
        }
        let start = i;
        while c
            .get(i)
            .is_some_and(|ch| ch.is_alphanumeric() || *ch == '_')
        {
            i += 1;
        }
        if i == start {
            out.push(path);
            return i;
        }
        path.push(c[start..i].iter().collect());
        if c.get(i) == Some(&':') && c.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            out.push(path);
            // Skip an `as name`; the group's separator is handled by the caller.
            return i;
        }
    }
}

/// Every use of another file of the crate, from the sources under `src`.
fn uses(src: &Path) -> (BTreeSet<String>, Vec<Use>) {
    let mut files = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read_to_string(&p).expect("read file"));
            }
        }
    }
    let by_module: HashMap<Vec<String>, String> =
        files.keys().map(|f| (module_of(f), f.clone())).collect();
    let resolve = |parts: &[String]| -> Option<String> {
        if let [one] = parts
            && let Some((_, f)) = MACROS.iter().find(|(m, _)| m == one)
        {
            return Some(f.to_string());
        }
        (1..=parts.len())
            .rev()
            .find_map(|k| by_module.get(&parts[..k]).cloned())
    };
    let mut found = Vec::new();
    for (file, text) in &files {
        let code: Vec<char> = code_of(text).chars().collect();
        let here = module_of(file);
        let line_at = |i: usize| code[..i].iter().filter(|c| **c == '\n').count() + 1;
        for root in ["crate", "super"] {
            let pat: Vec<char> = format!("{root}::").chars().collect();
            let mut i = 0;
            while i + pat.len() <= code.len() {
                let boundary = i == 0
                    || !(code[i - 1].is_alphanumeric() || code[i - 1] == '_' || code[i - 1] == ':');
                if !(boundary && code[i..i + pat.len()] == pat[..]) {
                    i += 1;
                    continue;
                }
                let mut base: Vec<String> = if root == "crate" {
                    Vec::new()
                } else {
                    here[..here.len().saturating_sub(1)].to_vec()
                };
                let mut j = i + pat.len();
                let mut written = format!("{root}::");
                // super::super::…
                while code[j..].starts_with(&pat[..]) && root == "super" {
                    base.pop();
                    j += pat.len();
                    written.push_str("super::");
                }
                let base_len = base.len();
                let mut named = Vec::new();
                let end = paths_at(&code, j, base, &mut named);
                for mut parts in named {
                    if parts.last().is_some_and(|p| p == "self") {
                        parts.pop();
                    }
                    if let Some(to) = resolve(&parts)
                        && to != *file
                    {
                        found.push(Use {
                            from: file.clone(),
                            line: line_at(i),
                            path: format!("{written}{}", parts[base_len..].join("::")),
                            to,
                        });
                    }
                }
                i = end.max(i + 1);
            }
        }
    }
    (files.keys().cloned().collect(), found)
}

/// A parent `mod.rs` and the files below it may refer to each other.
fn parent_and_child(a: &str, b: &str) -> bool {
    let (ma, mb) = (module_of(a), module_of(b));
    (a.ends_with("mod.rs") && mb.starts_with(&ma)) || (b.ends_with("mod.rs") && ma.starts_with(&mb))
}

/// Strongly connected groups of more than one node (Tarjan).
fn loops(nodes: &BTreeSet<String>, edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: HashMap<String, usize>,
        low: HashMap<String, usize>,
        stack: Vec<String>,
        on: BTreeSet<String>,
        out: Vec<Vec<String>>,
    }
    fn visit(t: &mut T, v: &str) {
        let n = t.index.len();
        t.index.insert(v.into(), n);
        t.low.insert(v.into(), n);
        t.stack.push(v.into());
        t.on.insert(v.into());
        for w in t.edges.get(v).cloned().unwrap_or_default() {
            if !t.index.contains_key(&w) {
                visit(t, &w);
                let l = t.low[v].min(t.low[&w]);
                t.low.insert(v.into(), l);
            } else if t.on.contains(&w) {
                let l = t.low[v].min(t.index[&w]);
                t.low.insert(v.into(), l);
            }
        }
        if t.low[v] == t.index[v] {
            let mut group = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(&w);
                let done = w == v;
                group.push(w);
                if done {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                t.out.push(group);
            }
        }
    }
    let mut t = T {
        edges,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in nodes {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// What breaks the layering of the crate under `src`, one finding per line; empty when nothing does.
fn findings(src: &Path) -> Vec<String> {
    let layer_of = |module: &str| LAYERS.iter().position(|(_, ms)| ms.contains(&module));
    let (files, uses) = uses(src);
    let mut out = Vec::new();
    for module in files.iter().map(|f| top(f)).collect::<BTreeSet<_>>() {
        if layer_of(&module).is_none() {
            out.push(format!(
                "src/{module}: belongs to no layer; add it to LAYERS in tests/api/layers.rs"
            ));
        }
    }
    for u in &uses {
        let (a, b) = (top(&u.from), top(&u.to));
        if let (Some(la), Some(lb)) = (layer_of(&a), layer_of(&b))
            && lb > la
        {
            out.push(format!(
                "src/{}:{}: `{}` makes {a} ({} layer) depend on {b} ({} layer), which is above it",
                u.from, u.line, u.path, LAYERS[la].0, LAYERS[lb].0
            ));
        }
    }
    let show =
        |out: &mut Vec<String>, kind: &str, group: &[String], same: &dyn Fn(&Use) -> bool| {
            out.push(format!("{kind} loop: {}", group.join(", ")));
            for u in uses.iter().filter(|u| same(u)) {
                out.push(format!(
                    "   src/{}:{}: `{}` -> src/{}",
                    u.from, u.line, u.path, u.to
                ));
            }
        };
    let mut tops: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in &uses {
        let (a, b) = (top(&u.from), top(&u.to));
        if a != b && !matches!(a.as_str(), "lib" | "main") {
            tops.entry(a).or_default().insert(b);
        }
    }
    let modules: BTreeSet<String> = files.iter().map(|f| top(f)).collect();
    for group in loops(&modules, &tops) {
        // One line per pair of modules: the first use, and how many more there are.
        out.push(format!("module loop: {}", group.join(", ")));
        let mut pairs: BTreeMap<(String, String), Vec<&Use>> = BTreeMap::new();
        for u in &uses {
            let (a, b) = (top(&u.from), top(&u.to));
            if a != b && group.contains(&a) && group.contains(&b) {
                pairs.entry((a, b)).or_default().push(u);
            }
        }
        for ((a, b), all) in pairs {
            let u = all[0];
            let more = match all.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more uses of {b} in {a})"),
            };
            out.push(format!(
                "   src/{}:{}: `{}` -> src/{}{more}",
                u.from, u.line, u.path, u.to
            ));
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for u in &uses {
        if !parent_and_child(&u.from, &u.to) && !matches!(u.from.as_str(), "lib.rs" | "main.rs") {
            edges
                .entry(u.from.clone())
                .or_default()
                .insert(u.to.clone());
        }
    }
    for group in loops(&files, &edges) {
        let inside = |u: &Use| {
            group.contains(&u.from) && group.contains(&u.to) && !parent_and_child(&u.from, &u.to)
        };
        show(&mut out, "file", &group, &inside);
    }
    out
}

#[test]
fn every_module_depends_only_on_its_own_layer_and_those_below_and_no_files_form_a_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = findings(&src);
    assert!(
        found.is_empty(),
        "the layers (bottom first: {}) are broken:\n{}",
        LAYERS
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", "),
        found.join("\n")
    );
}

/// The check itself can fail: a crate whose storage reaches up into the HTTP edge, and two files that
/// use each other, are named with file, line and path.
#[test]
fn a_lower_layer_reaching_up_and_a_loop_of_files_are_named() {
    let dir = std::env::temp_dir().join(format!("assent-layers-{}", std::process::id()));
    let write = |f: &str, text: &str| {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("lib.rs", "pub mod db;\npub mod routes;\npub mod consent;\n");
    write("db/mod.rs", "pub mod models;\n");
    write(
        "db/models.rs",
        "// crate::routes in a comment is nothing\nlet s = \"crate::routes::X\";\nuse crate::routes::AppState;\n",
    );
    write(
        "routes/mod.rs",
        "pub struct AppState;\nuse crate::db::models;\n",
    );
    write("consent/mod.rs", "pub mod a;\npub mod b;\n");
    write("consent/a.rs", "use super::b::B;\npub struct A;\n");
    write(
        "consent/b.rs",
        "use crate::{consent::a::A, db};\npub struct B;\n",
    );
    let found = findings(&dir);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        found,
        vec![
            "src/db/models.rs:3: `crate::routes::AppState` makes db (db layer) depend on routes (http edge layer), which is above it",
            "module loop: db, routes",
            "   src/db/models.rs:3: `crate::routes::AppState` -> src/routes/mod.rs",
            "   src/routes/mod.rs:2: `crate::db::models` -> src/db/models.rs",
            "file loop: consent/a.rs, consent/b.rs",
            "   src/consent/a.rs:1: `super::b::B` -> src/consent/b.rs",
            "   src/consent/b.rs:1: `crate::consent::a::A` -> src/consent/a.rs",
            "file loop: db/models.rs, routes/mod.rs",
            "   src/db/models.rs:3: `crate::routes::AppState` -> src/routes/mod.rs",
            "   src/routes/mod.rs:2: `crate::db::models` -> src/db/models.rs",
        ],
        "{found:#?}"
    );
}
