//! The link settings: which links point off the site, and what `rel` and
//! `target` those get (`nofollow ugc` for untrusted authors' links, a new
//! tab with `noopener noreferrer`). The sanitizer applies them
//! (the `links` module).

use crate::error::{PolicyError, PolicyErrorKind};

/// The link options as configured (kept in the builder).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct LinkOptions {
    pub(crate) external_rel: String,
    pub(crate) site_hosts: Vec<String>,
    pub(crate) new_tab: bool,
}

/// The link options, checked and normalized.
#[derive(Clone, Debug, Default)]
pub(crate) struct Links {
    pub(crate) external_rel: Vec<String>,
    site_hosts: Vec<String>,
    pub(crate) new_tab: bool,
}

/// Where a kept link points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Destination {
    /// A relative link, or one to one of the site's own hosts.
    Internal,
    /// Another web site.
    External,
    /// Not a web page (`mailto:`, …): gets the external `rel` but never a
    /// new tab.
    Other,
}

/// The base that relative links are resolved against to tell whether they
/// leave the site (`//evil.example/` does; `/diary/7` does not). `.invalid`
/// is reserved, so no real link can name this host.
const PAGE: &str = "https://page.invalid/";

impl LinkOptions {
    pub(crate) fn build(&self) -> Result<Links, PolicyError> {
        let mut external_rel = Vec::new();
        for token in self.external_rel.split_ascii_whitespace() {
            super::checks::check_rel_token(token)?;
            let token = token.to_ascii_lowercase();
            if !external_rel.contains(&token) {
                external_rel.push(token);
            }
        }
        let mut site_hosts = Vec::new();
        for host in &self.site_hosts {
            // The URL parser normalizes hosts (case, IDNA, trailing dot
            // kept); compare like with like.
            let parsed = url::Url::parse(&format!("https://{host}/"))
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .filter(|h| !h.is_empty() && !host.contains(['/', '@', ':', '?', '#']))
                .ok_or_else(|| {
                    PolicyError::new(PolicyErrorKind::InvalidHost { host: host.clone() })
                })?;
            site_hosts.push(parsed);
        }
        Ok(Links {
            external_rel,
            site_hosts,
            new_tab: self.new_tab,
        })
    }
}

impl Links {
    /// Whether links need any `rel` or `target` work at all.
    pub(crate) fn is_active(&self) -> bool {
        !self.external_rel.is_empty() || self.new_tab
    }

    /// Where `href` (already checked against the URL policy) points.
    pub(crate) fn destination(&self, href: &str) -> Destination {
        let Ok(page) = url::Url::parse(PAGE) else {
            return Destination::External;
        };
        let Ok(url) = page.join(href) else {
            return Destination::External;
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Destination::Other;
        }
        match url.host_str() {
            Some(host) if host == "page.invalid" || self.site_hosts.iter().any(|h| h == host) => {
                Destination::Internal
            }
            _ => Destination::External,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_internal_from_external() {
        let links = LinkOptions {
            external_rel: "nofollow".into(),
            site_hosts: vec!["diary.example".into(), "Bücher.example".into()],
            new_tab: false,
        }
        .build()
        .expect("valid options");
        let cases = [
            ("/person/raph/", Destination::Internal),
            ("entry/7", Destination::Internal),
            ("#top", Destination::Internal),
            ("?page=2", Destination::Internal),
            ("//evil.example/", Destination::External),
            ("/\\evil.example/", Destination::External),
            ("https://diary.example/x", Destination::Internal),
            ("HTTPS://DIARY.EXAMPLE./x", Destination::External),
            ("https://xn--bcher-kva.example/", Destination::Internal),
            ("https://diary.example.evil/", Destination::External),
            ("http://other.example/", Destination::External),
            ("mailto:a@diary.example", Destination::Other),
        ];
        for (href, want) in cases {
            assert_eq!(links.destination(href), want, "{href}");
        }
    }

    #[test]
    fn rejects_hosts_that_are_not_hosts() {
        for host in ["", "a/b", "user@host", "host:80", "a b"] {
            let options = LinkOptions {
                site_hosts: vec![host.into()],
                ..LinkOptions::default()
            };
            assert!(options.build().is_err(), "{host:?}");
        }
    }
}
