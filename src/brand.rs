//! The organisation's look on every page and email: its name, an accent colour and a logo, from
//! `ASSENT_ORG_NAME`, `ASSENT_BRAND_COLOR` and `ASSENT_LOGO`. They are process-wide (one organisation per
//! deployment), set once at start; templates read them through `name()` and `has_logo()`.
//!
//! The colour is checked for contrast (4.5:1 against white, as links and button text need) when the
//! settings are read; a lighter shade of it is derived for dark mode, where it must stand out from the
//! dark cards just as well.

use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    pub name: String,
    /// How people reach the organisation about their data (`ASSENT_ORG_CONTACT`: an address or a URL),
    /// named in consent receipts.
    pub contact: Option<String>,
    pub color: Option<Rgb>,
    /// The logo's bytes and content type.
    pub logo: Option<(Vec<u8>, &'static str)>,
}

impl Default for Brand {
    fn default() -> Brand {
        Brand {
            name: "Assent".into(),
            contact: None,
            color: None,
            logo: None,
        }
    }
}

static BRAND: OnceLock<Brand> = OnceLock::new();

/// Sets the brand for this process (the first call wins: one organisation per process).
pub fn init(b: Brand) {
    let _ = BRAND.set(b);
}

fn get() -> &'static Brand {
    BRAND.get_or_init(Brand::default)
}

/// The organisation's name, for headers, titles and emails.
pub fn name() -> &'static str {
    &get().name
}

/// The organisation's contact for questions about personal data, if set.
pub fn contact() -> Option<&'static str> {
    get().contact.as_deref()
}

pub fn has_logo() -> bool {
    get().logo.is_some()
}

pub fn logo() -> Option<&'static (Vec<u8>, &'static str)> {
    get().logo.as_ref()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` (or `#rgb`).
    pub fn parse(raw: &str) -> Result<Rgb, String> {
        let hex = raw.trim().trim_start_matches('#');
        let hex: String = match hex.len() {
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            6 => hex.to_string(),
            _ => return Err(format!("{raw:?} is not a colour like #0b5cad")),
        };
        let byte = |i: usize| {
            u8::from_str_radix(&hex[i..i + 2], 16)
                .map_err(|_| format!("{raw:?} is not a colour like #0b5cad"))
        };
        Ok(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.1).
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// The WCAG contrast ratio of two colours.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour moved a share `t` of the way to `to`.
    fn mix(self, to: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(m(self.0, to.0), m(self.1, to.1), m(self.2, to.2))
    }
}

const WHITE: Rgb = Rgb(255, 255, 255);
const BLACK: Rgb = Rgb(0, 0, 0);
/// The dark mode's card colour (static/assent.css).
const DARK_CARD: Rgb = Rgb(0x18, 0x21, 0x2d);

/// Checks an accent colour: links and white button text on it must reach 4.5:1.
pub fn check_color(raw: &str) -> Result<Rgb, String> {
    let c = Rgb::parse(raw)?;
    let ratio = c.contrast(WHITE);
    if ratio < 4.5 {
        return Err(format!(
            "{raw} on white has a contrast of {ratio:.2}:1; links and buttons need 4.5:1, so pick a darker shade"
        ));
    }
    Ok(c)
}

/// Reads a logo file (SVG, PNG, JPEG or WebP, at most 512 KiB).
pub fn read_logo(path: &str) -> Result<(Vec<u8>, &'static str), String> {
    let kind = match path
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        _ => {
            return Err(format!(
                "{path}: the logo must be an .svg, .png, .jpg or .webp file"
            ));
        }
    };
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if bytes.len() > 512 * 1024 {
        return Err(format!("{path} is larger than 512 KiB"));
    }
    Ok((bytes, kind))
}

/// The accent for dark mode: lightened until it reads on the dark cards as well as the default does.
fn dark_shade(c: Rgb) -> Rgb {
    let mut light = c;
    let mut t = 0.0;
    while light.contrast(DARK_CARD) < 6.0 && t < 1.0 {
        t += 0.05;
        light = c.mix(WHITE, t);
    }
    light
}

/// `/brand.css`: the accent colour's variables for light and dark mode (empty without one).
pub fn css() -> String {
    let Some(c) = get().color else {
        return "/* no ASSENT_BRAND_COLOR: the default colours apply */\n".into();
    };
    let darker = c.mix(BLACK, 0.2);
    let light = dark_shade(c);
    format!(
        ":root {{ --brand: {}; --brand-dark: {}; }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ --brand: {}; --brand-dark: {}; }} }}\n",
        c.hex(),
        darker.hex(),
        light.hex(),
        light.mix(WHITE, 0.3).hex()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_checked_for_contrast_and_get_a_dark_mode_shade() {
        assert!(check_color("#0b5cad").is_ok());
        let e = check_color("#ffcc00").unwrap_err();
        assert!(e.contains("contrast of 1.") && e.contains("4.5:1"), "{e}");
        assert!(check_color("teal").is_err());
        assert_eq!(Rgb::parse("#abc").unwrap(), Rgb(0xaa, 0xbb, 0xcc));
        // Black on white is 21:1; equal colours 1:1.
        assert!((BLACK.contrast(WHITE) - 21.0).abs() < 1e-9);
        assert!((WHITE.contrast(WHITE) - 1.0).abs() < 1e-9);
        // A dark purple gets a lighter shade for dark mode that reads on the dark cards.
        let purple = check_color("#5b2a86").unwrap();
        assert!(purple.contrast(DARK_CARD) < 3.0);
        let light = dark_shade(purple);
        assert!(
            light.contrast(DARK_CARD) >= 6.0 && light != WHITE,
            "{light:?}"
        );
    }
}
