//! Templates a portal operator writes to replace the embedded ones (same file names,
//! such as `welcome.de.txt`), checked before they are used: each must be one Portico
//! has and must compile; it may only use the variables the template it replaces uses
//! (with those of the templates that one builds on, and the globals every template
//! has, such as `brand`), only refer to templates the replaced one refers to, and must
//! keep its blocks and macros (other templates fill or call them). A mistake is found
//! when the server starts, never when a mail is due.

use std::collections::HashSet;

use minijinja::Environment;

/// Why an operator's template was refused.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    /// No embedded template has this file name.
    #[error("{file} is not a template Portico has (expected one of: {known})")]
    UnknownTemplate {
        /// The file name given.
        file: String,
        /// The file names that may be given.
        known: String,
    },
    /// The template does not compile.
    #[error("{file} does not compile: {source}")]
    DoesNotCompile {
        /// The file name.
        file: String,
        /// The compiler's complaint, with its line.
        #[source]
        source: minijinja::Error,
    },
    /// The template refers to a template the one it replaces does not.
    #[error("{file} refers to {referenced}, which the template it replaces does not")]
    UnknownReference {
        /// The file name.
        file: String,
        /// The template referred to.
        referenced: String,
    },
    /// The template lacks a block or macro of the one it replaces.
    #[error("{file} lacks the {kind} `{name}` of the template it replaces")]
    MissingPart {
        /// The file name.
        file: String,
        /// `block` or `macro`.
        kind: &'static str,
        /// Its name.
        name: String,
    },
    /// A mail's text template does not start with its subject line.
    #[error("{file} must start with a line `Subject: ...` and a blank line")]
    NoSubject {
        /// The file name.
        file: String,
    },
    /// The template uses a variable its notification does not provide.
    #[error("{file} uses the unknown variable `{variable}` (it may use: {allowed})")]
    UnknownVariable {
        /// The file name.
        file: String,
        /// The variable.
        variable: String,
        /// What it may use instead.
        allowed: String,
    },
}

/// Replaces templates of `env` (every embedded template, and the globals) with the
/// operator's `overrides` (file name, source), each checked against the embedded
/// templates alone, so the order of the files changes nothing.
pub fn apply_all(
    env: &mut Environment<'static>,
    overrides: &[(String, String)],
) -> Result<(), OverrideError> {
    let embedded = env.clone();
    for (file, source) in overrides {
        apply_against(env, &embedded, file, source)?;
    }
    Ok(())
}

/// Replaces the template `file` in `env` with `source`, after checking it against the
/// embedded template of the same name. Auto-escaping follows the file's extension,
/// as for the embedded ones.
pub fn apply(
    env: &mut Environment<'static>,
    file: &str,
    source: &str,
) -> Result<(), OverrideError> {
    let embedded = env.clone();
    apply_against(env, &embedded, file, source)
}

fn apply_against(
    env: &mut Environment<'static>,
    embedded: &Environment<'static>,
    file: &str,
    source: &str,
) -> Result<(), OverrideError> {
    let allowed = match embedded.get_template(file) {
        Ok(_) => variables_of(embedded, file, &mut HashSet::new()),
        Err(_) => {
            let mut known = env
                .templates()
                .map(|(name, _)| name.to_owned())
                .collect::<Vec<_>>();
            known.sort();
            return Err(OverrideError::UnknownTemplate {
                file: file.to_owned(),
                known: known.join(", "),
            });
        }
    };
    check_shape(file, embedded, source)?;
    let globals = embedded
        .globals()
        .map(|(name, _)| name.to_owned())
        .collect::<HashSet<_>>();
    let mut trial = Environment::new();
    trial
        .add_template_owned(file.to_owned(), source.to_owned())
        .map_err(|source| OverrideError::DoesNotCompile {
            file: file.to_owned(),
            source,
        })?;
    let used = trial
        .get_template(file)
        .map(|template| template.undeclared_variables(false))
        .unwrap_or_default();
    let mut unknown = used
        .iter()
        .filter(|name| !allowed.contains(*name) && !globals.contains(*name))
        .collect::<Vec<_>>();
    unknown.sort();
    if let Some(variable) = unknown.first() {
        let mut offered = allowed.into_iter().chain(globals).collect::<Vec<_>>();
        offered.sort();
        offered.dedup();
        return Err(OverrideError::UnknownVariable {
            file: file.to_owned(),
            variable: (*variable).clone(),
            allowed: offered.join(", "),
        });
    }
    env.add_template_owned(file.to_owned(), source.to_owned())
        .map_err(|source| OverrideError::DoesNotCompile {
            file: file.to_owned(),
            source,
        })
}

/// What other templates rely on: the same references (quoted names only), the blocks,
/// the macros other templates import, and a mail's subject line first.
fn check_shape(
    file: &str,
    embedded: &Environment<'static>,
    source: &str,
) -> Result<(), OverrideError> {
    let original = embedded
        .get_template(file)
        .map(|t| t.source().to_owned())
        .unwrap_or_default();
    let allowed = referenced_templates(&original);
    if let Some(referenced) = referenced_templates(source)
        .into_iter()
        .find(|name| name.is_none() || !allowed.contains(name))
    {
        return Err(OverrideError::UnknownReference {
            file: file.to_owned(),
            referenced: referenced.unwrap_or_else(|| "a template not named in quotes".into()),
        });
    }
    let required = [
        ("block", named_tags(&original, "block")),
        ("macro", imported_macros(embedded, file, &original)),
    ];
    for (kind, names) in required {
        let kept = named_tags(source, kind);
        if let Some(name) = names.into_iter().find(|name| !kept.contains(name)) {
            return Err(OverrideError::MissingPart {
                file: file.to_owned(),
                kind,
                name,
            });
        }
    }
    if file.ends_with(".txt") && !subject_first(source) {
        return Err(OverrideError::NoSubject {
            file: file.to_owned(),
        });
    }
    Ok(())
}

/// Whether a mail's text starts with `Subject: ...` and a blank line that rendering
/// keeps (no whitespace control around it eats the blank line).
fn subject_first(source: &str) -> bool {
    let Some((subject, body)) = source
        .strip_prefix("Subject: ")
        .and_then(|rest| rest.split_once("\n\n"))
    else {
        return false;
    };
    let trims_after = ["-%}", "-}}", "-#}"]
        .iter()
        .any(|end| subject.trim_end().ends_with(end));
    let trims_before = ["{%-", "{{-", "{#-"]
        .iter()
        .any(|start| body.starts_with(start));
    !subject.trim().is_empty() && !subject.contains('\n') && !trims_after && !trims_before
}

/// The macros of `file` that other templates import: by name with `{% from %}`, or
/// all of them when one imports the whole file.
fn imported_macros(embedded: &Environment<'static>, file: &str, original: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (_, template) in embedded.templates() {
        for tag in template.source().split("{%").skip(1) {
            let tag = tag.trim_start_matches(['-', '+']).trim_start();
            let quoted = |rest: &str| {
                let rest = rest.trim_start();
                let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                let (name, after) = rest[1..].split_once(quote)?;
                (name == file).then(|| after.to_owned())
            };
            if let Some(after) = tag.strip_prefix("from").and_then(quoted) {
                let list = after.split("%}").next().unwrap_or_default();
                let list = list.trim_start().strip_prefix("import").unwrap_or_default();
                names.extend(
                    list.split(',')
                        .filter_map(|item| item.split_whitespace().next())
                        .map(str::to_owned),
                );
            } else if tag.strip_prefix("import").and_then(quoted).is_some() {
                return named_tags(original, "macro");
            }
        }
    }
    names
}

/// The names of the `{% block NAME %}` or `{% macro NAME(...) %}` tags of `source`.
fn named_tags(source: &str, kind: &str) -> Vec<String> {
    source
        .split("{%")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.trim_start_matches(['-', '+']).trim_start();
            let rest = tag.strip_prefix(kind)?;
            let name = rest
                .trim_start()
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()?;
            (!name.is_empty()).then(|| name.to_owned())
        })
        .collect()
}

/// The variables template `file` uses, with those of the templates it extends,
/// includes or imports (a page's variables are partly its layout's).
fn variables_of(
    env: &Environment<'static>,
    file: &str,
    seen: &mut HashSet<String>,
) -> HashSet<String> {
    let Ok(template) = env.get_template(file) else {
        return HashSet::new();
    };
    if !seen.insert(file.to_owned()) {
        return HashSet::new();
    }
    let mut variables = template.undeclared_variables(false);
    for referenced in referenced_templates(template.source())
        .into_iter()
        .flatten()
    {
        variables.extend(variables_of(env, &referenced, seen));
    }
    variables
}

/// The names in `{% extends "..." %}`, `{% include "..." %}`, `{% import "..." %}`
/// and `{% from "..." import ... %}` of `source`; `None` for one not named by a
/// quoted string (a variable, a list), which cannot be checked.
fn referenced_templates(source: &str) -> Vec<Option<String>> {
    source
        .split("{%")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.trim_start_matches(['-', '+']).trim_start();
            let rest = ["extends", "include", "import", "from"]
                .iter()
                .find_map(|keyword| tag.strip_prefix(keyword))?;
            if !rest.starts_with(char::is_whitespace) {
                return None;
            }
            let rest = rest.trim_start();
            let quoted = rest
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .and_then(|quote| rest[1..].split(quote).next().map(str::to_owned));
            Some(quoted)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        env.add_global("brand", "Portico");
        env.add_template(
            "welcome.en.txt",
            "Subject: Hi {{ first_name }}\n\n{{ link }} {{ brand }}",
        )
        .unwrap();
        env
    }

    #[test]
    fn a_template_using_what_its_notification_offers_replaces_the_embedded_one() {
        let mut env = env();
        apply(
            &mut env,
            "welcome.en.txt",
            "Subject: Welcome, {{ first_name }}\n\n{{ link }}",
        )
        .unwrap();
        let rendered = env
            .get_template("welcome.en.txt")
            .unwrap()
            .render(minijinja::context! { first_name => "Ada", link => "L" })
            .unwrap();
        assert_eq!(rendered, "Subject: Welcome, Ada\n\nL");
    }

    #[test]
    fn references_blocks_macros_and_the_subject_line_are_kept() {
        let mut env = env();
        env.add_template(
            "layout.html",
            "{% block content %}{% endblock %}{% macro field(x) %}{{ x }}{% endmacro %}",
        )
        .unwrap();
        let no_subject = apply(&mut env, "welcome.en.txt", "Hello {{ first_name }}").unwrap_err();
        assert!(
            matches!(no_subject, OverrideError::NoSubject { .. }),
            "{no_subject}"
        );
        let no_block = apply(
            &mut env,
            "layout.html",
            "{% macro field(x) %}{% endmacro %}",
        )
        .unwrap_err();
        assert!(
            no_block.to_string().contains("block `content`"),
            "{no_block}"
        );
        // A macro other templates import must stay; one only used inside may go.
        let mut importing = env.clone();
        importing
            .add_template(
                "page.html",
                "{% from 'layout.html' import field %}{{ field(1) }}",
            )
            .unwrap();
        let no_macro = apply(
            &mut importing,
            "layout.html",
            "{% block content %}{% endblock %}",
        )
        .unwrap_err();
        assert!(no_macro.to_string().contains("macro `field`"), "{no_macro}");
        let mut alone = env.clone();
        apply(
            &mut alone,
            "layout.html",
            "{% block content %}{% endblock %}",
        )
        .unwrap();
        let eaten = apply(
            &mut env,
            "welcome.en.txt",
            "Subject: x\n\n{%- if 1 %}y{% endif %}",
        )
        .unwrap_err();
        assert!(matches!(eaten, OverrideError::NoSubject { .. }), "{eaten}");
        let unnamed = apply(
            &mut env,
            "welcome.en.txt",
            "Subject: x\n\n{% include name %}",
        )
        .unwrap_err();
        assert!(
            unnamed.to_string().contains("not named in quotes"),
            "{unnamed}"
        );
        let elsewhere = apply(
            &mut env,
            "welcome.en.txt",
            "Subject: x\n\n{% include 'layout.html' %}",
        )
        .unwrap_err();
        assert!(
            elsewhere.to_string().contains("refers to layout.html"),
            "{elsewhere}"
        );
    }

    #[test]
    fn an_unknown_name_a_syntax_error_or_an_unknown_variable_is_refused() {
        let mut env = env();
        let unknown = apply(&mut env, "welcom.en.txt", "x").unwrap_err();
        assert!(unknown.to_string().contains("welcome.en.txt"), "{unknown}");
        let broken = apply(&mut env, "welcome.en.txt", "Subject: x\n\n{{ first_name ").unwrap_err();
        assert!(
            matches!(broken, OverrideError::DoesNotCompile { .. }),
            "{broken}"
        );
        assert!(broken.to_string().contains("welcome.en.txt:3"), "{broken}");
        let typo = apply(
            &mut env,
            "welcome.en.txt",
            "Subject: {{ frist_name }}\n\n{{ brand }}",
        )
        .unwrap_err();
        assert!(
            typo.to_string().contains("`frist_name`") && typo.to_string().contains("first_name"),
            "{typo}"
        );
        // A page may use its layout's variables, found through `extends`.
        env.add_template("layout.html", "{{ errors }}{% block body %}{% endblock %}")
            .unwrap();
        env.add_template(
            "page.html",
            "{% extends 'layout.html' %}{% block body %}{% endblock %}",
        )
        .unwrap();
        apply(
            &mut env,
            "page.html",
            "{% extends \"layout.html\" %}{% block body %}{{ errors }}{% endblock %}",
        )
        .unwrap();
        // The embedded template is still the one in use.
        let kept = env.get_template("welcome.en.txt").unwrap();
        assert!(kept.source().contains("Hi {{ first_name }}"));
    }
}
