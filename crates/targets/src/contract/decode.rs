//! Reading a contract document piece by piece (header, each goal, each result, each
//! consequence), so that every piece reports its own first problem with its JSON path.

use super::*;

/// Deserializes the document piece by piece, so that every goal, result and consequence
/// reports its own first problem.
pub(super) fn decode(mut value: Value) -> Result<ContractDoc, Vec<Problem>> {
    let mut problems = Vec::new();
    let Value::Object(map) = &mut value else {
        return Err(vec![Problem {
            path: "$".to_owned(),
            message: "a contract is a JSON object".to_owned(),
        }]);
    };
    match map.get("format_version") {
        Some(v) if v.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
        Some(v) => problems.push(Problem {
            path: "$.format_version".to_owned(),
            message: format!("unsupported format version {v}; this crate reads {FORMAT_VERSION}"),
        }),
        None => problems.push(Problem {
            path: "$".to_owned(),
            message: "missing field `format_version`".to_owned(),
        }),
    }
    // Keep the version readable by the header pass even when it is wrong.
    map.insert("format_version".to_owned(), Value::from(FORMAT_VERSION));
    let goals = map.insert("goals".to_owned(), Value::Array(Vec::new()));
    let consequences = map.insert("consequences".to_owned(), Value::Array(Vec::new()));
    if goals.is_none() {
        problems.push(Problem {
            path: "$".to_owned(),
            message: "missing field `goals`".to_owned(),
        });
    }
    let header: Option<ContractDoc> = piece(value, "$", &mut problems);

    let mut decoded_goals = Vec::new();
    for (i, mut g) in array(goals, "$.goals", &mut problems)
        .into_iter()
        .enumerate()
    {
        let path = format!("$.goals[{i}]");
        let results = match &mut g {
            Value::Object(m) => m.insert("results".to_owned(), Value::Array(Vec::new())),
            _ => None,
        };
        let goal: Option<Goal> = piece(g, &path, &mut problems);
        let mut decoded = Vec::new();
        for (j, r) in array(results, &format!("{path}.results"), &mut problems)
            .into_iter()
            .enumerate()
        {
            if let Some(t) = piece::<Target>(r, &format!("{path}.results[{j}]"), &mut problems) {
                decoded.push(t);
            }
        }
        if let Some(mut goal) = goal {
            goal.results = decoded;
            decoded_goals.push(goal);
        }
    }
    let mut decoded_consequences = Vec::new();
    for (i, c) in array(consequences, "$.consequences", &mut problems)
        .into_iter()
        .enumerate()
    {
        if let Some(c) = piece::<Consequence>(c, &format!("$.consequences[{i}]"), &mut problems) {
            decoded_consequences.push(c);
        }
    }
    match header {
        Some(mut doc) if problems.is_empty() => {
            doc.goals = decoded_goals;
            doc.consequences = decoded_consequences;
            Ok(doc)
        }
        _ => Err(problems),
    }
}

pub(super) fn array(v: Option<Value>, path: &str, problems: &mut Vec<Problem>) -> Vec<Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(other) => {
            problems.push(Problem {
                path: path.to_owned(),
                message: format!("expected an array, found {}", kind_of(&other)),
            });
            Vec::new()
        }
    }
}

pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(super) fn piece<T: serde::de::DeserializeOwned>(
    mut v: Value,
    base: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    // An unknown field is reported, removed, and the piece decoded again, so that one
    // typo does not hide the next problem. Other errors end the piece.
    for _ in 0..32 {
        match piece_once::<T>(&v, base) {
            Ok(t) => return (!problems.iter().any(|p| p.path.starts_with(base))).then_some(t),
            Err((problem, unknown)) => {
                problems.push(problem);
                match unknown.and_then(|pointer| remove_pointer(&mut v, &pointer)) {
                    Some(()) => continue,
                    None => return None,
                }
            }
        }
    }
    None
}

pub(super) fn remove_pointer(v: &mut Value, pointer: &str) -> Option<()> {
    let (parent, key) = pointer.rsplit_once('/')?;
    v.pointer_mut(parent)?
        .as_object_mut()?
        .remove(key)
        .map(|_| ())
}

/// One attempt; on error the problem and, for an unknown field, its JSON pointer.
pub(super) fn piece_once<T: serde::de::DeserializeOwned>(
    v: &Value,
    base: &str,
) -> Result<T, (Problem, Option<String>)> {
    // Keep a copy to point into: serde cannot follow a path inside an internally tagged
    // enum, so the path it reports may stop at the tagged object.
    let copy = v;
    match serde_path_to_error::deserialize::<_, T>(v.clone()) {
        Ok(t) => Ok(t),
        Err(e) => {
            let mut pointer = String::new();
            let mut path = base.to_owned();
            let mut node = Some(copy);
            for seg in e.path().iter() {
                node = match (node, seg) {
                    (Some(Value::Array(a)), serde_path_to_error::Segment::Seq { index }) => {
                        pointer.push_str(&format!("/{index}"));
                        a.get(*index)
                    }
                    (Some(Value::Object(m)), serde_path_to_error::Segment::Map { key }) => {
                        pointer
                            .push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")));
                        m.get(key)
                    }
                    _ => None,
                };
                match seg {
                    serde_path_to_error::Segment::Seq { index } => {
                        path.push_str(&format!("[{index}]"))
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        path.push('.');
                        path.push_str(key);
                    }
                    serde_path_to_error::Segment::Enum { variant } => {
                        path.push('.');
                        path.push_str(variant);
                    }
                    serde_path_to_error::Segment::Unknown => {}
                }
            }
            let message = e.into_inner().to_string();
            if let Some(rest) = node.and_then(|n| locate(n, &message)) {
                path.push_str(&rest);
            }
            // serde reports an unknown field at the field itself, except inside tagged
            // enums, where `locate` found it; either way the path ends in the key.
            let unknown = message.starts_with("unknown field").then(|| {
                let key = path.rsplit('.').next().unwrap_or_default().to_owned();
                if pointer.ends_with(&format!("/{key}")) {
                    pointer.clone()
                } else {
                    format!("{pointer}/{key}")
                }
            });
            Err((Problem { path, message }, unknown))
        }
    }
}

/// Finds, inside a tagged object, the value or key that a serde message names, and
/// returns its path relative to the object (document order, first match).
pub(super) fn locate(node: &Value, message: &str) -> Option<String> {
    if !matches!(node, Value::Object(m) if m.contains_key("kind") || m.contains_key("name")) {
        return None;
    }
    let between = |open: &str, close: char| -> Option<String> {
        let start = message.find(open)? + open.len();
        let len = message[start..].find(close)?;
        Some(message[start..start + len].to_owned())
    };
    if message.starts_with("unknown field") {
        let key = between("`", '`')?;
        return find(node, &mut |k, _| k == Some(key.as_str()));
    }
    if message.starts_with("missing field") {
        return None;
    }
    let token = between("`", '`').or_else(|| between("\"", '"'))?;
    find(node, &mut |k, v| {
        k != Some("kind")
            && k != Some("name")
            && match v {
                Value::String(s) => *s == token,
                Value::Number(n) => n.to_string() == token,
                Value::Bool(b) => b.to_string() == token,
                _ => false,
            }
    })
}

pub(super) fn find(
    node: &Value,
    hit: &mut dyn FnMut(Option<&str>, &Value) -> bool,
) -> Option<String> {
    match node {
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            if hit(Some(k), v) {
                Some(format!(".{k}"))
            } else {
                find(v, hit).map(|rest| format!(".{k}{rest}"))
            }
        }),
        Value::Array(a) => a.iter().enumerate().find_map(|(i, v)| {
            if hit(None, v) {
                Some(format!("[{i}]"))
            } else {
                find(v, hit).map(|rest| format!("[{i}]{rest}"))
            }
        }),
        _ => None,
    }
}
