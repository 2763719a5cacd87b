//! The hosting company's brand: its name on every page, in every mail, as the label
//! authenticator apps show and in the password rule; its logo and accent colour on
//! the pages; and its own wording, from a folder of templates that replace the
//! embedded ones (checked when the server starts).

use std::path::{Path, PathBuf};

use clap::Args;
use portico_mail_log::{OverrideError, Templates};

use crate::settings::InvalidSetting;
use crate::web::templates::PageTemplates;

/// The brand settings.
#[derive(Debug, Clone, Args)]
pub struct BrandArgs {
    /// The name the portal goes by: in the pages, the mails, the authenticator app's
    /// label, and the password rule (no password may be built from it).
    #[arg(
        long,
        global = true,
        env = "PORTICO_BRAND_NAME",
        default_value = Brand::DEFAULT_NAME
    )]
    pub brand_name: String,

    /// The logo in every page's header: an https URL, or a path on this site.
    #[arg(long, global = true, env = "PORTICO_BRAND_LOGO_URL")]
    pub brand_logo_url: Option<String>,

    /// The pages' accent colour, as `#rrggbb`.
    #[arg(
        long,
        global = true,
        env = "PORTICO_BRAND_ACCENT",
        default_value = Brand::DEFAULT_ACCENT
    )]
    pub brand_accent: String,

    /// A folder of templates replacing the embedded ones, by the same names: mail
    /// templates at its top (`welcome.de.txt`), page templates under `web/`
    /// (`web/login.html`).
    #[arg(long, global = true, env = "PORTICO_TEMPLATES_DIR")]
    pub templates_dir: Option<PathBuf>,
}

/// The brand in force, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// The portal's name.
    pub name: String,
    /// Its logo, if it has one: an https URL or a path on this site.
    pub logo_url: Option<String>,
    /// The accent colour, `#rrggbb`.
    pub accent: String,
    /// Mail templates replacing embedded ones: file name and source.
    pub mail_templates: Vec<(String, String)>,
    /// Page templates replacing embedded ones: file name and source.
    pub page_templates: Vec<(String, String)>,
}

impl Default for Brand {
    fn default() -> Self {
        Self {
            name: Self::DEFAULT_NAME.to_owned(),
            logo_url: None,
            accent: Self::DEFAULT_ACCENT.to_owned(),
            mail_templates: Vec::new(),
            page_templates: Vec::new(),
        }
    }
}

impl Brand {
    /// The name when none is set.
    pub const DEFAULT_NAME: &'static str = "Portico";
    /// The accent colour when none is set.
    pub const DEFAULT_ACCENT: &'static str = "#1f5fa8";
    /// The longest name accepted.
    pub const MAX_NAME_CHARS: usize = 60;

    /// The origin (`https://host[:port]`) of an absolute logo URL, which the pages'
    /// policy must let images come from.
    pub fn logo_origin(&self) -> Option<&str> {
        let url = self.logo_url.as_deref()?.strip_prefix("https://")?;
        let end = url.find('/').unwrap_or(url.len());
        self.logo_url
            .as_deref()
            .map(|full| &full[.."https://".len() + end])
    }
}

impl BrandArgs {
    /// The brand these settings describe, with the templates of the folder read and
    /// named; each is checked against its embedded twin when the services are built.
    pub fn brand(&self) -> Result<Brand, InvalidSetting> {
        let name = self.brand_name.trim();
        if name.is_empty()
            || name.chars().count() > Brand::MAX_NAME_CHARS
            || name.chars().any(|c| c.is_control() || c == ':')
        {
            return Err(InvalidSetting::new(
                "PORTICO_BRAND_NAME",
                format!(
                    "1 to {} characters, without ':' (authenticator apps use it as a \
                     separator) or control characters",
                    Brand::MAX_NAME_CHARS
                ),
            ));
        }
        let logo_url = self
            .brand_logo_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(checked_logo_url)
            .transpose()?;
        let accent = self.brand_accent.trim();
        let is_colour = accent.len() == 7
            && accent.starts_with('#')
            && accent[1..].bytes().all(|byte| byte.is_ascii_hexdigit());
        if !is_colour {
            return Err(InvalidSetting::new(
                "PORTICO_BRAND_ACCENT",
                format!("a colour as #rrggbb is required, not {accent:?}"),
            ));
        }
        let (mail_templates, page_templates) = match &self.templates_dir {
            Some(folder) => read_templates(folder)?,
            None => (Vec::new(), Vec::new()),
        };
        let brand = Brand {
            name: name.to_owned(),
            logo_url,
            accent: accent.to_ascii_lowercase(),
            mail_templates,
            page_templates,
        };
        // The operator's templates are checked now, before anything is written, not
        // when a mail is due or a page is asked for.
        let refused =
            |error: OverrideError| InvalidSetting::new("PORTICO_TEMPLATES_DIR", error.to_string());
        Templates::branded(&brand.name, &brand.mail_templates).map_err(refused)?;
        PageTemplates::new(&brand).map_err(refused)?;
        Ok(brand)
    }
}

/// An https URL without spaces, quotes or angle brackets, or a path on this site.
fn checked_logo_url(url: &str) -> Result<String, InvalidSetting> {
    let absolute = url
        .strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    let local = url.starts_with('/') && !url.starts_with("//");
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>'));
    if (absolute || local) && clean {
        Ok(url.to_owned())
    } else {
        Err(InvalidSetting::new(
            "PORTICO_BRAND_LOGO_URL",
            format!("an https:// URL or a path on this site (/...) is required, not {url:?}"),
        ))
    }
}

/// The mail templates at the top of `folder` and the page templates in `folder/web`.
type TemplateFiles = Vec<(String, String)>;

fn read_templates(folder: &Path) -> Result<(TemplateFiles, TemplateFiles), InvalidSetting> {
    let unreadable = |path: &Path, error: std::io::Error| {
        InvalidSetting::new(
            "PORTICO_TEMPLATES_DIR",
            format!("{} cannot be read: {error}", path.display()),
        )
    };
    let files = |dir: &Path| -> Result<TemplateFiles, InvalidSetting> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| unreadable(dir, e))? {
            let path = entry.map_err(|e| unreadable(dir, e))?.path();
            if !path.is_file() {
                continue;
            }
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default()
                .to_owned();
            let source = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
            found.push((name, source));
        }
        found.sort();
        Ok(found)
    };
    let mail = files(folder)?;
    let web = folder.join("web");
    let pages = if web.is_dir() {
        files(&web)?
    } else {
        Vec::new()
    };
    Ok((mail, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> BrandArgs {
        BrandArgs {
            brand_name: "Example Hosting".into(),
            brand_logo_url: None,
            brand_accent: "#0A7A3B".into(),
            templates_dir: None,
        }
    }

    #[test]
    fn a_brand_is_checked_and_normalised() {
        let brand = args().brand().unwrap();
        assert_eq!(brand.name, "Example Hosting");
        assert_eq!(brand.accent, "#0a7a3b");
        for (name, accent, logo) in [
            ("", "#000000", None),
            ("Evil: Corp", "#000000", None),
            ("Example", "blue", None),
            ("Example", "#12345", None),
            ("Example", "#000000", Some("http://cdn.example/logo.svg")),
            ("Example", "#000000", Some("//cdn.example/logo.svg")),
            ("Example", "#000000", Some("https://cdn.example/a\"b.svg")),
            ("Example", "#000000", Some("javascript:alert(1)")),
        ] {
            let refused = BrandArgs {
                brand_name: name.into(),
                brand_accent: accent.into(),
                brand_logo_url: logo.map(str::to_owned),
                templates_dir: None,
            }
            .brand();
            assert!(refused.is_err(), "{name:?} {accent:?} {logo:?}");
        }
    }

    #[test]
    fn the_logo_origin_is_what_the_pages_let_images_come_from() {
        let mut brand = args().brand().unwrap();
        assert_eq!(brand.logo_origin(), None);
        brand.logo_url = Some("https://cdn.example:8443/brand/logo.svg".into());
        assert_eq!(brand.logo_origin(), Some("https://cdn.example:8443"));
        brand.logo_url = Some("/static/logo.png".into());
        assert_eq!(brand.logo_origin(), None);
    }

    #[test]
    fn templates_are_read_from_the_folder_and_its_web_folder() {
        let folder = std::env::temp_dir().join(format!("portico-brand-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("web")).unwrap();
        std::fs::write(folder.join("welcome.en.txt"), "Subject: Hi\n\nHello").unwrap();
        std::fs::write(folder.join("web").join("login.html"), "{{ csrf }}").unwrap();
        let brand = BrandArgs {
            templates_dir: Some(folder.clone()),
            ..args()
        }
        .brand()
        .unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        assert_eq!(
            brand.mail_templates,
            [(
                "welcome.en.txt".to_owned(),
                "Subject: Hi\n\nHello".to_owned()
            )]
        );
        assert_eq!(
            brand.page_templates,
            [("login.html".to_owned(), "{{ csrf }}".to_owned())]
        );
        let missing = BrandArgs {
            templates_dir: Some(folder),
            ..args()
        }
        .brand()
        .unwrap_err();
        assert!(
            missing.to_string().contains("PORTICO_TEMPLATES_DIR"),
            "{missing}"
        );
    }
}
