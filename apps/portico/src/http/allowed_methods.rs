//! Which methods a path answers, read once from the OpenAPI spec, so that a 405 can
//! carry the `Allow` header RFC 9110 requires (poem's own 405 names none).

use serde_json::Value;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Text that must match as is.
    Literal(String),
    /// A `{parameter}`: any one segment.
    Parameter,
}

/// One path template: its segments, its text as the spec writes it, and the methods
/// it answers (`Allow` form).
#[derive(Debug, Clone)]
struct Template {
    segments: Vec<Segment>,
    text: String,
    methods: String,
}

/// The API's path templates with the methods each answers.
#[derive(Debug, Clone, Default)]
pub struct AllowedMethods {
    templates: Vec<Template>,
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/')
}

impl AllowedMethods {
    /// Adds a route served outside the spec (`/healthz`, `/metrics`...).
    pub fn with(mut self, path: &str, methods: &[&str]) -> Self {
        self.templates.push(Template {
            segments: segments(path)
                .map(|segment| Segment::Literal(segment.to_owned()))
                .collect(),
            text: path.to_owned(),
            methods: methods.join(", "),
        });
        self
    }

    /// The templates and methods of an OpenAPI document (`paths`); anything it cannot
    /// read is left out rather than guessed.
    pub fn from_spec(spec: &str) -> Self {
        let Ok(spec) = serde_json::from_str::<Value>(spec) else {
            return Self::default();
        };
        let Some(paths) = spec["paths"].as_object() else {
            return Self::default();
        };
        let templates = paths
            .iter()
            .filter_map(|(path, item)| {
                let mut methods: Vec<String> = item
                    .as_object()?
                    .keys()
                    .map(|method| method.to_ascii_uppercase())
                    .collect();
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".to_owned());
                }
                methods.sort();
                Some(Template {
                    segments: segments(path)
                        .map(|segment| {
                            if segment.starts_with('{') && segment.ends_with('}') {
                                Segment::Parameter
                            } else {
                                Segment::Literal(segment.to_owned())
                            }
                        })
                        .collect(),
                    text: path.clone(),
                    methods: methods.join(", "),
                })
            })
            .collect();
        Self { templates }
    }

    /// The `Allow` value for a request path, when it is one of the API's; a literal
    /// segment wins over a parameter (`/v1/sessions/current` over `/v1/sessions/{id}`).
    pub fn allow(&self, path: &str) -> Option<&str> {
        self.matching(path)
            .map(|template| template.methods.as_str())
    }

    /// The template a request path falls under, as the spec writes it
    /// (`/v1/me/phones/{id}`), with the same precedence as [`Self::allow`].
    pub fn template(&self, path: &str) -> Option<&str> {
        self.matching(path).map(|template| template.text.as_str())
    }

    fn matching(&self, path: &str) -> Option<&Template> {
        let asked: Vec<&str> = segments(path).collect();
        self.templates
            .iter()
            .filter(|template| {
                template.segments.len() == asked.len()
                    && template
                        .segments
                        .iter()
                        .zip(&asked)
                        .all(|(segment, part)| match segment {
                            Segment::Literal(text) => text == part,
                            Segment::Parameter => !part.is_empty(),
                        })
            })
            .max_by_key(|template| {
                template
                    .segments
                    .iter()
                    .filter(|segment| matches!(segment, Segment::Literal(_)))
                    .count()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"{"paths": {
        "/v1/sessions": {"get": {}, "post": {}},
        "/v1/sessions/current": {"delete": {}},
        "/v1/sessions/{id}": {"delete": {}},
        "/v1/me/phones/{id}": {"patch": {}, "delete": {}}
    }}"#;

    #[test]
    fn a_path_gets_the_methods_of_its_template() {
        let allowed = AllowedMethods::from_spec(SPEC);

        assert_eq!(allowed.allow("/v1/sessions"), Some("GET, HEAD, POST"));
        assert_eq!(allowed.allow("/v1/me/phones/abc"), Some("DELETE, PATCH"));
        assert_eq!(allowed.allow("/v1/sessions/current"), Some("DELETE"));
        assert_eq!(allowed.allow("/v1/sessions/0190"), Some("DELETE"));
        assert_eq!(allowed.allow("/v1/me/phones"), None);
        assert_eq!(allowed.allow("/account/profile"), None);
    }

    #[test]
    fn a_literal_segment_wins_over_a_parameter() {
        let allowed = AllowedMethods::from_spec(
            r#"{"paths": {"/v1/items/{id}": {"get": {}, "delete": {}}, "/v1/items/current": {"post": {}}}}"#,
        );

        assert_eq!(allowed.allow("/v1/items/current"), Some("POST"));
        assert_eq!(allowed.allow("/v1/items/42"), Some("DELETE, GET, HEAD"));
        assert_eq!(allowed.template("/v1/items/42"), Some("/v1/items/{id}"));
        assert_eq!(
            allowed.template("/v1/items/current"),
            Some("/v1/items/current")
        );
    }

    #[test]
    fn an_unreadable_spec_allows_nothing_rather_than_guessing() {
        assert_eq!(
            AllowedMethods::from_spec("not json").allow("/v1/sessions"),
            None
        );
    }
}
