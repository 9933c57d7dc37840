//! The link policy: which links point off the site, and what `rel` and
//! `target` those get (`nofollow ugc` for untrusted authors' links, a new
//! tab with `noopener noreferrer`).

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName, local_name, ns};

use crate::error::{PolicyError, PolicyErrorKind};
use crate::policy::{Policy, PolicyBuilder};

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
            crate::policy::check_rel_token(token)?;
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

/// Adds the policy's `rel` and `target` to a kept link whose attributes
/// (`attrs`, with its checked `href`) are otherwise final. The author's
/// own `rel` (if allowed) is merged with the policy's tokens, never
/// replaced; the author's `target` stays unless the link opens in a new
/// tab by policy.
pub(crate) fn finish_link(
    policy: &Policy,
    attrs: &mut Vec<Attribute>,
    author_rel: Option<StrTendril>,
    author_target: Option<Attribute>,
) {
    let destination = match attrs.iter().find(|a| a.name.local == local_name!("href")) {
        Some(href) if policy.links.is_active() => policy.links.destination(&href.value),
        _ => Destination::Internal,
    };
    let new_tab = destination == Destination::External && policy.links.new_tab;
    if !new_tab && let Some(target) = author_target {
        attrs.push(target);
    }
    if policy.forces_rel() {
        let external: &[String] = if destination == Destination::Internal {
            &[]
        } else {
            &policy.links.external_rel
        };
        let tab: &[&str] = if new_tab {
            &["noopener", "noreferrer"]
        } else {
            &[]
        };
        let forced = (policy.link_rel.iter().chain(external))
            .map(String::as_str)
            .chain(tab.iter().copied());
        // Built as the value itself, in one buffer of the right size:
        // tokens joined by single spaces, so splitting it at spaces gives
        // back the tokens so far.
        let room = author_rel.as_ref().map_or(0, |a| a.len())
            + forced.clone().map(|t| t.len() + 1).sum::<usize>();
        let mut rel = String::with_capacity(room);
        let push = |rel: &mut String, token: &str| {
            if !rel.is_empty() {
                rel.push(' ');
            }
            rel.push_str(token);
        };
        if let Some(author) = &author_rel {
            for token in author.split_ascii_whitespace() {
                push(&mut rel, token);
            }
        }
        for token in forced {
            if !rel.split(' ').any(|t| t.eq_ignore_ascii_case(token)) {
                push(&mut rel, token);
            }
        }
        if !rel.is_empty() {
            attrs.push(Attribute {
                name: QualName::new(None, ns!(), local_name!("rel")),
                value: StrTendril::from_slice(&rel),
            });
        }
    }
    if new_tab {
        attrs.push(Attribute {
            name: QualName::new(None, ns!(), local_name!("target")),
            value: StrTendril::from("_blank"),
        });
    }
}

impl PolicyBuilder {
    /// Adds these `rel` tokens to links that leave the site: for
    /// untrusted authors, `nofollow ugc` tells search engines not to
    /// credit the target. Relative links and links to
    /// [`site_hosts`](PolicyBuilder::site_hosts) are internal and do not
    /// get them. The author's own `rel`, where allowed, is kept and merged.
    /// Default: none (the `diary-untrusted` preset: `nofollow ugc`).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_tags(["a"])
    ///     .allow_attrs("a", ["href"])
    ///     .url_schemes(["https"])
    ///     .external_link_rel("nofollow ugc")
    ///     .site_hosts(["diary.example"])
    ///     .build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<a href="https://spam.example/">x</a> <a href="https://diary.example/7">y</a>"#),
    ///     r#"<a href="https://spam.example/" rel="nofollow ugc">x</a> <a href="https://diary.example/7">y</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn external_link_rel(mut self, rel: impl AsRef<str>) -> PolicyBuilder {
        self.links.external_rel = rel.as_ref().to_owned();
        self
    }

    /// The site's own host names: links to them are internal. Default:
    /// none (only relative links are internal).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary_untrusted().to_builder().site_hosts(["diary.example"]).build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<a href="http://DIARY.example/x">ours</a>"#),
    ///     r#"<a href="http://DIARY.example/x">ours</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn site_hosts<I, S>(mut self, hosts: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.links.site_hosts = hosts
            .into_iter()
            .map(|h| h.as_ref().trim().to_owned())
            .collect();
        self
    }

    /// Opens external web links in a new tab: `target="_blank"`, always
    /// with `rel="noopener noreferrer"` so the new page cannot reach back
    /// into this one. Default: off.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary().to_builder().external_links_new_tab(true).build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<a href="https://x.example/">x</a>"#),
    ///     r#"<a href="https://x.example/" rel="noopener noreferrer" target="_blank">x</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn external_links_new_tab(mut self, new_tab: bool) -> PolicyBuilder {
        self.links.new_tab = new_tab;
        self
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
