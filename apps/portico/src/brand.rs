//! The hosting company's brand: its name on every page, in every mail, as the label
//! authenticator apps show and in the password rule; its logo and accent colour on
//! the pages; and its own wording, from a folder of templates that replace the
//! embedded ones (checked when the server starts).

use std::path::{Path, PathBuf};

use clap::Args;
use portico_mail_log::{OverrideError, Templates};

use crate::mail_notices::sources::MAIL_TEMPLATES;

use crate::settings::InvalidSetting;
use crate::web::templates::PageTemplates;

/// The brand settings.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Brand")]
pub struct BrandArgs {
    /// The name the portal goes by: in the pages, the mails, the authenticator app's
    /// label, and the password rule (no password may be built from it).
    #[arg(
        long,
        env = "PORTICO_BRAND_NAME",
        default_value = Brand::DEFAULT_NAME
    )]
    pub brand_name: String,

    /// The logo in every page's header: an https URL, or a path on this site.
    #[arg(long, env = "PORTICO_BRAND_LOGO_URL")]
    pub brand_logo_url: Option<String>,

    /// The pages' accent colour, as `#rrggbb`.
    #[arg(
        long,
        env = "PORTICO_BRAND_ACCENT",
        default_value = Brand::DEFAULT_ACCENT
    )]
    pub brand_accent: String,

    /// A folder of templates replacing the embedded ones, by the same names: mail
    /// templates at its top (`welcome.de.txt`), page templates under `web/`
    /// (`web/login.html`).
    #[arg(long, env = "PORTICO_TEMPLATES_DIR")]
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
    /// policy must let images come from; `None` for a path on this site.
    pub fn logo_origin(&self) -> Option<String> {
        let url = url::Url::parse(self.logo_url.as_deref()?).ok()?;
        Some(url.origin().ascii_serialization())
    }

    /// Checks what settings or an embedder put in: the name, the logo URL and the
    /// accent colour (which the pages use for white text on it, and as text on
    /// white, so it must contrast at WCAG AA's 4.5:1). The reason names the setting.
    pub fn check(&self) -> Result<(), InvalidSetting> {
        let name = &self.name;
        if name.trim().is_empty()
            || name.chars().count() > Self::MAX_NAME_CHARS
            || name.chars().any(|c| c.is_control() || c == ':')
        {
            return Err(InvalidSetting::new(
                "PORTICO_BRAND_NAME",
                format!(
                    "1 to {} characters, without ':' (authenticator apps use it as a \
                     separator) or control characters",
                    Self::MAX_NAME_CHARS
                ),
            ));
        }
        if let Some(url) = &self.logo_url {
            checked_logo_url(url)?;
        }
        let accent = &self.accent;
        let rgb = accent
            .strip_prefix('#')
            .filter(|hex| hex.len() == 6 && hex.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok());
        let Some(rgb) = rgb else {
            return Err(InvalidSetting::new(
                "PORTICO_BRAND_ACCENT",
                format!("a colour as #rrggbb is required, not {accent:?}"),
            ));
        };
        let ratio = contrast_with_white(rgb);
        if ratio < 4.5 {
            return Err(InvalidSetting::new(
                "PORTICO_BRAND_ACCENT",
                format!(
                    "{accent} contrasts {ratio:.2}:1 with white; the pages need 4.5:1 \
                     (a darker shade)"
                ),
            ));
        }
        Ok(())
    }
}

/// The WCAG contrast ratio of the colour `0xRRGGBB` against white.
fn contrast_with_white(rgb: u32) -> f64 {
    let channel = |shift: u32| {
        let value = f64::from((rgb >> shift) & 0xff) / 255.0;
        if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
    1.05 / (luminance + 0.05)
}

impl BrandArgs {
    /// The brand these settings describe, with the templates of the folder read and
    /// named; each is checked against its embedded twin when the services are built.
    pub fn brand(&self) -> Result<Brand, InvalidSetting> {
        let logo_url = self
            .brand_logo_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned);
        let (mail_templates, page_templates) = match &self.templates_dir {
            Some(folder) => read_templates(folder)?,
            None => (Vec::new(), Vec::new()),
        };
        let brand = Brand {
            name: self.brand_name.trim().to_owned(),
            logo_url,
            accent: self.brand_accent.trim().to_ascii_lowercase(),
            mail_templates,
            page_templates,
        };
        brand.check()?;
        // The operator's templates are checked now, before anything is written, not
        // when a mail is due or a page is asked for.
        let refused =
            |error: OverrideError| InvalidSetting::new("PORTICO_TEMPLATES_DIR", error.to_string());
        Templates::branded(MAIL_TEMPLATES, &brand.name, &brand.mail_templates).map_err(refused)?;
        PageTemplates::new(&brand).map_err(refused)?;
        Ok(brand)
    }
}

/// An https URL with a plain host (no credentials, no wildcard), or a path on this
/// site; neither with spaces, quotes or angle brackets.
fn checked_logo_url(url: &str) -> Result<(), InvalidSetting> {
    let absolute = url.starts_with("https://")
        && url::Url::parse(url).is_ok_and(|parsed| {
            parsed.host_str().is_some_and(|host| !host.contains('*'))
                && parsed.username().is_empty()
                && parsed.password().is_none()
        });
    let local = url.starts_with('/') && !url.starts_with("//");
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\'));
    if (absolute || local) && clean {
        Ok(())
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
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Editors' hidden and backup files are not templates.
            if name.starts_with('.') || name.ends_with('~') {
                continue;
            }
            let source = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
            // Saved on Windows: no byte-order mark, and `\n` line ends, which the
            // mails' `Subject:` line and blank line rely on.
            let source = source.trim_start_matches('\u{feff}').replace("\r\n", "\n");
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
            ("Example", "#000000", Some("https://*/logo.png")),
            (
                "Example",
                "#000000",
                Some("https://user:pw@cdn.example/logo.png"),
            ),
            ("Example", "#ffd700", None),
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
        assert_eq!(
            brand.logo_origin().as_deref(),
            Some("https://cdn.example:8443")
        );
        brand.logo_url = Some("https://cdn.example?v=2".into());
        assert_eq!(brand.logo_origin().as_deref(), Some("https://cdn.example"));
        brand.logo_url = Some("/static/logo.png".into());
        assert_eq!(brand.logo_origin(), None);
    }

    #[test]
    fn templates_are_read_from_the_folder_and_its_web_folder() {
        let folder = std::env::temp_dir().join(format!("portico-brand-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("web")).unwrap();
        std::fs::write(
            folder.join("welcome.en.txt"),
            "\u{feff}Subject: Hi\r\n\r\nHello",
        )
        .unwrap();
        std::fs::write(folder.join(".DS_Store"), [0xff, 0xfe]).unwrap();
        let login = "{% extends \"layout.html\" %}{% block title %}In{% endblock %}\
                     {% block content %}{{ csrf }}{% endblock %}";
        std::fs::write(folder.join("web").join("login.html"), login).unwrap();
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
            [("login.html".to_owned(), login.to_owned())]
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
