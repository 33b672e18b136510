//! Checks a response against GitHub's REST description: the status code must be one the
//! operation documents, and the body must match that status's schema.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub struct Spec {
    doc: Value,
    components: Value,
    cache: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

/// OpenAPI 3.0's `nullable: true` → JSON Schema's `null` type.
fn convert(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (_, x) in map.iter_mut() {
                convert(x);
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                match map.get("type").cloned() {
                    Some(Value::String(t)) => {
                        map.insert("type".into(), json!([t, "null"]));
                        if let Some(Value::Array(e)) = map.get_mut("enum") {
                            e.push(Value::Null);
                        }
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(convert),
        _ => {}
    }
}

pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = include_str!("../fixtures/github-rest-subset.openapi.json");
        let doc: Value = serde_json::from_str(text).expect("the OpenAPI file is JSON");
        let mut components = doc["components"].clone();
        convert(&mut components);
        Spec {
            doc,
            components,
            cache: Mutex::new(HashMap::new()),
        }
    })
}

impl Spec {
    /// The path template for a concrete path (`/repos/a/b/issues/3` →
    /// `/repos/{owner}/{repo}/issues/{issue_number}`); a trailing `{path}` takes the rest.
    pub fn template(&self, method: &str, path: &str) -> Option<String> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(usize, String)> = None;
        for (template, ops) in self.doc["paths"].as_object()? {
            if ops.get(method.to_ascii_lowercase()).is_none() {
                continue;
            }
            let t: Vec<&str> = template.trim_matches('/').split('/').collect();
            let greedy = t.last() == Some(&"{path}");
            // `contents/{path}` also serves the root, with an empty path.
            let fits = if greedy {
                segs.len() + 1 >= t.len()
            } else {
                segs.len() == t.len()
            };
            if !fits {
                continue;
            }
            let mut literal = 0;
            let ok = t.iter().zip(&segs).all(|(a, b)| {
                if a.starts_with('{') {
                    true
                } else {
                    literal += 1;
                    a == b
                }
            });
            if ok && best.as_ref().is_none_or(|(n, _)| literal > *n) {
                best = Some((literal, template.clone()));
            }
        }
        best.map(|(_, t)| t)
    }

    /// Panics unless `status` is documented for the operation and `body` fits its schema.
    /// 401 is allowed everywhere: GitHub answers any request with a bad token that way.
    pub fn check(&self, method: &str, path: &str, status: u16, body: &Value) {
        let path = path.split('?').next().unwrap_or(path);
        let template = self
            .template(method, path)
            .unwrap_or_else(|| panic!("{method} {path} is not in the REST description"));
        let op = &self.doc["paths"][&template][method.to_ascii_lowercase()];
        let responses = &op["responses"];
        let Some(response) = responses.get(status.to_string()) else {
            if status == 401 {
                return;
            }
            let documented: Vec<&String> = responses
                .as_object()
                .map(|o| o.keys().collect())
                .unwrap_or_default();
            panic!(
                "{method} {template} answered {status}, which is not documented (documented: {documented:?})\n{body}"
            );
        };
        let response = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                &self.doc["components"]["responses"][r.rsplit('/').next().unwrap_or_default()]
            }
            None => response,
        };
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            return; // No body documented (204, 304, 202 for some).
        };
        let key = format!("{method} {template} {status}");
        let validator = {
            let mut cache = self.cache.lock().unwrap();
            cache
                .entry(key.clone())
                .or_insert_with(|| {
                    let mut schema = schema.clone();
                    convert(&mut schema);
                    let mut root = json!({"allOf": [schema]});
                    root["components"] = self.components.clone();
                    std::sync::Arc::new(
                        jsonschema::draft202012::new(&root).expect("the schema compiles"),
                    )
                })
                .clone()
        };
        let errors: Vec<String> = validator
            .iter_errors(body)
            .take(10)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{key}: the body does not match GitHub's schema:\n{}\n",
            errors.join("\n")
        );
    }
}
