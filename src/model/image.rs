//! Image references, as written after `FROM` (once variables are expanded).
//!
//! The syntax is the one of the `distribution/reference` Go package that
//! Docker and BuildKit use, together with Docker Hub's normalization rules.
//! In short:
//!
//! ```text
//! reference   := name [ ":" tag ] [ "@" digest ]
//! name        := [ registry "/" ] repository
//! registry    := host [ ":" port ]
//! host        := domain-name | "[" ipv6 "]"
//! domain-name := label ( "." label )*      label: [a-zA-Z0-9] ( [a-zA-Z0-9-]* [a-zA-Z0-9] )?
//! port        := [0-9]+
//! repository  := component ( "/" component )*
//! component   := [a-z0-9]+ ( separator [a-z0-9]+ )*
//! separator   := "." | "_" | "__" | "-"+
//! tag         := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest      := algorithm ":" hex          hex: [0-9a-fA-F]{32,}
//! algorithm   := [A-Za-z][A-Za-z0-9]* ( [-_+.] [A-Za-z][A-Za-z0-9]* )*
//! ```
//!
//! The grammar alone is ambiguous (`foo.com/bar` could be a two-component
//! repository), so Docker decides what the first `/`-separated component is
//! before applying it: the first component is a registry only when there is
//! a `/` after it *and* it is `localhost`, contains a `.` or a `:`, or
//! contains an uppercase letter (repositories are lowercase, so an uppercase
//! component can only be a host). Otherwise the whole name is a repository on
//! Docker Hub (`docker.io`), where a single-component repository lives in the
//! `library/` namespace of official images: `node` means
//! `docker.io/library/node`. `index.docker.io` is an old name of `docker.io`.
//!
//! Further rules: the repository must be lowercase; its normalized form
//! (with `library/` when implied) is at most 255 characters; a tag is at
//! most 128 characters; a bare 64-digit hexadecimal string is refused because
//! it looks like an image ID; and a digest must use an algorithm Docker knows
//! (`sha256`, `sha384`, `sha512`) with exactly the right number of lowercase
//! hexadecimal digits. A reference may carry both a tag and a digest; Docker
//! then pulls by digest and ignores the tag.
//!
//! `scratch` is not an image at all but BuildKit's name for "start from an
//! empty filesystem"; see [`ImageRef::is_scratch`].

use std::fmt;
use std::str::FromStr;

/// The registry of Docker Hub, implied when a reference names none.
pub const DEFAULT_REGISTRY: &str = "docker.io";

/// The legacy name of Docker Hub's registry, normalized to [`DEFAULT_REGISTRY`].
pub const LEGACY_DEFAULT_REGISTRY: &str = "index.docker.io";

/// The Docker Hub namespace of official images.
pub const OFFICIAL_NAMESPACE: &str = "library";

/// The longest normalized repository path accepted.
pub const MAX_REPOSITORY_LEN: usize = 255;

/// The longest tag accepted.
pub const MAX_TAG_LEN: usize = 128;

/// The image name BuildKit reserves for an empty base.
pub const SCRATCH: &str = "scratch";

/// A parsed image reference. Every part is kept as written; the methods give
/// the normalized views.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The registry as written (`ghcr.io`, `localhost:5000`, `docker.io`), or
    /// `None` when none was written and Docker Hub is implied.
    pub registry: Option<String>,
    /// The repository path as written: `node` stays `node`, and is
    /// `library/node` only when written so.
    pub repository: String,
    /// The tag after `:`, if any.
    pub tag: Option<String>,
    /// The digest after `@` (`sha256:…`), if any.
    pub digest: Option<String>,
}

/// Why a string is not a valid image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRefError {
    /// The reference, or its repository part, is empty.
    Empty,
    /// A bare 64-digit hexadecimal string, which looks like an image ID.
    HexIdentifier,
    /// The repository contains uppercase letters.
    Uppercase {
        /// The repository as written.
        repository: String,
    },
    /// The first component was taken as a registry but is not a valid
    /// `host[:port]`.
    InvalidRegistry {
        /// The registry as written.
        registry: String,
    },
    /// The repository path breaks the component grammar.
    InvalidRepository {
        /// The repository as written.
        repository: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The normalized repository path is longer than [`MAX_REPOSITORY_LEN`].
    RepositoryTooLong {
        /// Its length in characters.
        len: usize,
    },
    /// The tag is empty or has a character that is not allowed.
    InvalidTag {
        /// The tag as written.
        tag: String,
    },
    /// The tag is longer than [`MAX_TAG_LEN`].
    TagTooLong {
        /// Its length in characters.
        len: usize,
    },
    /// The digest does not have the form `algorithm:hex`, or its hex part has
    /// the wrong length or case for the algorithm.
    InvalidDigest {
        /// The digest as written.
        digest: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The digest is well formed but uses an algorithm Docker does not know.
    UnsupportedDigestAlgorithm {
        /// The algorithm as written.
        algorithm: String,
    },
}

impl fmt::Display for ImageRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageRefError::Empty => f.write_str("repository name must have at least one component"),
            ImageRefError::HexIdentifier => {
                f.write_str("invalid repository name, cannot specify 64-byte hexadecimal strings")
            }
            ImageRefError::Uppercase { repository } => {
                write!(f, "repository name ({repository}) must be lowercase")
            }
            ImageRefError::InvalidRegistry { registry } => {
                write!(f, "invalid registry ({registry}): expected host[:port]")
            }
            ImageRefError::InvalidRepository { repository, reason } => {
                write!(f, "invalid repository name ({repository}): {reason}")
            }
            ImageRefError::RepositoryTooLong { len } => write!(
                f,
                "repository name must not be more than {MAX_REPOSITORY_LEN} characters (has {len})"
            ),
            ImageRefError::InvalidTag { tag } => write!(
                f,
                "invalid tag ({tag}): must start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-'"
            ),
            ImageRefError::TagTooLong { len } => write!(
                f,
                "tag must not be more than {MAX_TAG_LEN} characters (has {len})"
            ),
            ImageRefError::InvalidDigest { digest, reason } => {
                write!(f, "invalid digest ({digest}): {reason}")
            }
            ImageRefError::UnsupportedDigestAlgorithm { algorithm } => {
                write!(f, "unsupported digest algorithm ({algorithm})")
            }
        }
    }
}

impl std::error::Error for ImageRefError {}

impl ImageRef {
    /// Parse a reference such as `node:20-slim`, `ghcr.io/org/app@sha256:…`
    /// or `localhost:5000/team/app:1.0`, rejecting invalid ones with a reason.
    pub fn parse(s: &str) -> Result<ImageRef, ImageRefError> {
        if s.is_empty() {
            return Err(ImageRefError::Empty);
        }
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ImageRefError::HexIdentifier);
        }

        // Neither the name nor the tag can contain '@', so the first one
        // starts the digest.
        let (name_and_tag, digest) = match s.split_once('@') {
            Some((left, digest)) => (left, Some(digest)),
            None => (s, None),
        };

        let (registry, rest) = match name_and_tag.split_once('/') {
            Some((first, rest)) if looks_like_registry(first) => (Some(first), rest),
            _ => (None, name_and_tag),
        };

        // With the registry (and so any port) split off, a ':' can only
        // introduce the tag.
        let (repository, tag) = match rest.split_once(':') {
            Some((repository, tag)) => (repository, Some(tag)),
            None => (rest, None),
        };

        if repository.is_empty() {
            return Err(ImageRefError::Empty);
        }
        if repository.chars().any(char::is_uppercase) {
            return Err(ImageRefError::Uppercase {
                repository: repository.to_owned(),
            });
        }
        if let Some(registry) = registry.filter(|r| !is_valid_registry(r)) {
            return Err(ImageRefError::InvalidRegistry {
                registry: registry.to_owned(),
            });
        }
        check_repository(repository)?;
        if let Some(tag) = tag {
            check_tag(tag)?;
        }
        if let Some(digest) = digest {
            check_digest(digest)?;
        }

        let parsed = ImageRef {
            registry: registry.map(str::to_owned),
            repository: repository.to_owned(),
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
        };
        let len = parsed.normalized_repository().chars().count();
        if len > MAX_REPOSITORY_LEN {
            return Err(ImageRefError::RepositoryTooLong { len });
        }
        Ok(parsed)
    }

    /// The registry, with Docker Hub's `docker.io` when none was written;
    /// the legacy `index.docker.io` is normalized to `docker.io` too.
    pub fn registry_or_default(&self) -> &str {
        match self.registry.as_deref() {
            None | Some(LEGACY_DEFAULT_REGISTRY) => DEFAULT_REGISTRY,
            Some(registry) => registry,
        }
    }

    /// Whether the image lives on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.registry_or_default() == DEFAULT_REGISTRY
    }

    /// The repository path as the registry knows it: on Docker Hub a
    /// single-component name gets the `library/` namespace (`node` →
    /// `library/node`); elsewhere the path is unchanged.
    pub fn normalized_repository(&self) -> String {
        if self.is_docker_hub() && !self.repository.contains('/') {
            format!("{OFFICIAL_NAMESPACE}/{}", self.repository)
        } else {
            self.repository.clone()
        }
    }

    /// The fully qualified name without tag or digest, such as
    /// `docker.io/library/node` or `ghcr.io/org/app`.
    pub fn canonical_name(&self) -> String {
        format!(
            "{}/{}",
            self.registry_or_default(),
            self.normalized_repository()
        )
    }

    /// Whether this is a Docker Hub official image (`library/<name>`).
    pub fn is_official(&self) -> bool {
        self.is_docker_hub() && self.official_name().is_some()
    }

    /// Whether this is BuildKit's reserved empty base, written exactly
    /// `scratch` (no registry, tag or digest). `docker.io/library/scratch`
    /// or `scratch:latest` are ordinary (and unpullable) image names.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none()
            && self.repository == SCRATCH
            && self.tag.is_none()
            && self.digest.is_none()
    }

    /// The image without tag, digest or implied parts, as Docker shows it:
    /// `node` for `node:20-slim` and `docker.io/library/node:20`,
    /// `bitnami/redis` for `docker.io/bitnami/redis`, and the registry plus
    /// the path elsewhere (`ghcr.io/foo/bar`). Useful to group references to
    /// the same image.
    pub fn family(&self) -> String {
        if !self.is_docker_hub() {
            return format!("{}/{}", self.registry_or_default(), self.repository);
        }
        match self.official_name() {
            Some(name) => name.to_owned(),
            None => self.repository.clone(),
        }
    }

    /// The tag that will be pulled: the written tag, `latest` when there is
    /// neither tag nor digest, and `None` for a digest-only reference.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(tag), _) => Some(tag),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// For a Docker Hub path in the official namespace, the image name.
    fn official_name(&self) -> Option<&str> {
        let name = match self.repository.strip_prefix(OFFICIAL_NAMESPACE) {
            Some(rest) => rest.strip_prefix('/')?,
            None => &self.repository,
        };
        (!name.contains('/')).then_some(name)
    }
}

/// Writes the reference as written: `[registry/]repository[:tag][@digest]`.
impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(registry) = &self.registry {
            write!(f, "{registry}/")?;
        }
        f.write_str(&self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl FromStr for ImageRef {
    type Err = ImageRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImageRef::parse(s)
    }
}

/// Docker's rule for whether a first path component (followed by `/`) names
/// a registry.
fn looks_like_registry(first: &str) -> bool {
    first == "localhost"
        || first.contains(['.', ':'])
        || first.chars().any(|c| c.is_ascii_uppercase())
}

/// `host[:port]` where host is a domain name (or IPv4 address) or a
/// bracketed IPv6 address.
fn is_valid_registry(registry: &str) -> bool {
    let (host_ok, port) = if let Some(inner) = registry.strip_prefix('[') {
        match inner.split_once(']') {
            Some((address, after)) => {
                let ok = !address.is_empty()
                    && address.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
                match after {
                    "" => (ok, None),
                    _ => match after.strip_prefix(':') {
                        Some(port) => (ok, Some(port)),
                        None => (false, None),
                    },
                }
            }
            None => (false, None),
        }
    } else {
        let (host, port) = match registry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (registry, None),
        };
        (host.split('.').all(is_valid_domain_label), port)
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

fn is_valid_domain_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

fn check_repository(repository: &str) -> Result<(), ImageRefError> {
    for component in repository.split('/') {
        if let Err(reason) = check_component(component) {
            return Err(ImageRefError::InvalidRepository {
                repository: repository.to_owned(),
                reason,
            });
        }
    }
    Ok(())
}

/// One path component: lowercase alphanumeric runs joined by `.`, `_`, `__`
/// or any number of `-`.
fn check_component(component: &str) -> Result<(), &'static str> {
    let is_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = component.as_bytes();
    if bytes.is_empty() {
        return Err("empty path component");
    }
    let mut i = 0;
    loop {
        let run = bytes.iter().skip(i).take_while(|b| is_alnum(**b)).count();
        if run == 0 {
            return Err(if i == 0 {
                "a path component must start with a lowercase letter or digit"
            } else {
                "a separator must be followed by a lowercase letter or digit"
            });
        }
        i += run;
        let Some(&sep) = bytes.get(i) else {
            return Ok(());
        };
        let sep_len = bytes.iter().skip(i).take_while(|b| **b == sep).count();
        let allowed = match sep {
            b'.' => sep_len == 1,
            b'_' => sep_len <= 2,
            b'-' => true,
            _ => return Err("only lowercase letters, digits, '.', '_' and '-' are allowed"),
        };
        if !allowed {
            return Err("separators are one '.', one or two '_', or dashes");
        }
        i += sep_len;
        if i >= bytes.len() {
            return Err("a path component must end with a lowercase letter or digit");
        }
    }
}

fn check_tag(tag: &str) -> Result<(), ImageRefError> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = tag.chars();
    let valid = chars.next().is_some_and(word) && chars.all(|c| word(c) || c == '.' || c == '-');
    if !valid {
        return Err(ImageRefError::InvalidTag {
            tag: tag.to_owned(),
        });
    }
    if tag.len() > MAX_TAG_LEN {
        return Err(ImageRefError::TagTooLong { len: tag.len() });
    }
    Ok(())
}

fn check_digest(digest: &str) -> Result<(), ImageRefError> {
    let invalid = |reason| ImageRefError::InvalidDigest {
        digest: digest.to_owned(),
        reason,
    };
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Err(invalid("expected algorithm:hex"));
    };
    let algorithm_ok = !algorithm.is_empty()
        && algorithm.split(['-', '_', '+', '.']).all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric())
        });
    if !algorithm_ok {
        return Err(invalid("malformed algorithm name"));
    }
    if hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("expected at least 32 hexadecimal digits"));
    }
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            return Err(ImageRefError::UnsupportedDigestAlgorithm {
                algorithm: algorithm.to_owned(),
            });
        }
    };
    if hex.len() != expected_len {
        return Err(invalid(
            "wrong number of hexadecimal digits for the algorithm",
        ));
    }
    if hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(invalid("hexadecimal digits must be lowercase"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";

    fn parse(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn parts(s: &str) -> (Option<String>, String, Option<String>, Option<String>) {
        let r = parse(s);
        (r.registry, r.repository, r.tag, r.digest)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn docker_hub_short_names() {
        let r = parse("node");
        assert_eq!(parts("node"), (None, "node".into(), None, None));
        assert_eq!(r.registry_or_default(), "docker.io");
        assert_eq!(r.normalized_repository(), "library/node");
        assert_eq!(r.canonical_name(), "docker.io/library/node");
        assert!(r.is_official());
        assert!(r.is_docker_hub());
        assert_eq!(r.family(), "node");
        assert_eq!(r.effective_tag(), Some("latest"));

        let r = parse("node:20-slim");
        assert_eq!(r.tag.as_deref(), Some("20-slim"));
        assert_eq!(r.family(), "node");
        assert_eq!(r.effective_tag(), Some("20-slim"));
    }

    #[test]
    fn docker_hub_explicit_names() {
        let r = parse("docker.io/library/node:20");
        assert_eq!(
            parts("docker.io/library/node:20"),
            (some("docker.io"), "library/node".into(), some("20"), None)
        );
        assert!(r.is_official());
        assert_eq!(r.family(), "node");
        assert_eq!(r.normalized_repository(), "library/node");

        let r = parse("docker.io/node");
        assert_eq!(r.repository, "node");
        assert_eq!(r.normalized_repository(), "library/node");
        assert!(r.is_official());

        let r = parse("index.docker.io/library/alpine:3.20");
        assert_eq!(r.registry.as_deref(), Some("index.docker.io"));
        assert_eq!(r.registry_or_default(), "docker.io");
        assert_eq!(r.family(), "alpine");

        let r = parse("library/node");
        assert_eq!(r.registry, None);
        assert!(r.is_official());
        assert_eq!(r.family(), "node");

        let r = parse("bitnami/redis:7");
        assert!(!r.is_official());
        assert!(r.is_docker_hub());
        assert_eq!(r.normalized_repository(), "bitnami/redis");
        assert_eq!(r.family(), "bitnami/redis");
        assert_eq!(parse("docker.io/bitnami/redis").family(), "bitnami/redis");

        let nested = parse("library/distros/ubuntu");
        assert!(!nested.is_official());
        assert_eq!(nested.family(), "library/distros/ubuntu");
    }

    #[test]
    fn other_registries() {
        let r = parse("ghcr.io/foo/bar");
        assert_eq!(r.registry.as_deref(), Some("ghcr.io"));
        assert_eq!(r.family(), "ghcr.io/foo/bar");
        assert!(!r.is_official());
        assert!(!r.is_docker_hub());
        assert_eq!(r.normalized_repository(), "foo/bar");

        let digest = format!("gcr.io/a/b/c@{SHA}");
        assert_eq!(
            parts(&digest),
            (some("gcr.io"), "a/b/c".into(), None, some(SHA))
        );
        assert_eq!(parse(&digest).effective_tag(), None);

        assert_eq!(
            parts("localhost:5000/x:y"),
            (some("localhost:5000"), "x".into(), some("y"), None)
        );
        assert_eq!(parse("localhost:5000/x").family(), "localhost:5000/x");
        assert_eq!(
            parts("localhost/x"),
            (some("localhost"), "x".into(), None, None)
        );
        assert_eq!(
            parts("example.com:443/team/app:1.2.3"),
            (
                some("example.com:443"),
                "team/app".into(),
                some("1.2.3"),
                None
            )
        );
        assert_eq!(
            parts("192.168.1.10:5000/app"),
            (some("192.168.1.10:5000"), "app".into(), None, None)
        );
        assert_eq!(
            parts("[::1]:5000/foo:bar"),
            (some("[::1]:5000"), "foo".into(), some("bar"), None)
        );
        assert_eq!(parts("[fe80::1]/foo").0, some("[fe80::1]"));
        assert_eq!(parts("registry:5000/x").0, some("registry:5000"));
        // An uppercase first component can only be a host.
        assert_eq!(parts("Foo/bar"), (some("Foo"), "bar".into(), None, None));
        assert_eq!(parse("Foo/bar").family(), "Foo/bar");
    }

    #[test]
    fn ports_versus_tags() {
        // Without a '/', the first component is never a registry.
        assert_eq!(
            parts("localhost:5000"),
            (None, "localhost".into(), some("5000"), None)
        );
        assert_eq!(parts("localhost"), (None, "localhost".into(), None, None));
        assert_eq!(
            parts("example.com"),
            (None, "example.com".into(), None, None)
        );
        assert_eq!(
            parts("host:1/repo:2"),
            (some("host:1"), "repo".into(), some("2"), None)
        );
        // A colon after the registry always starts the tag.
        assert_eq!(
            parts("a.b/c/d:e"),
            (some("a.b"), "c/d".into(), some("e"), None)
        );
    }

    #[test]
    fn tag_and_digest_together() {
        let s = format!("docker.io/library/busybox:latest@{SHA}");
        let r = parse(&s);
        assert_eq!(r.tag.as_deref(), Some("latest"));
        assert_eq!(r.digest.as_deref(), Some(SHA));
        assert_eq!(r.effective_tag(), Some("latest"));
        assert_eq!(r.to_string(), s);
        let s = format!("name:tag@{SHA}");
        assert_eq!(parts(&s), (None, "name".into(), some("tag"), some(SHA)));
        let sha384 = format!("a@sha384:{}", "0".repeat(96));
        let sha512 = format!("a@sha512:{}", "f".repeat(128));
        assert!(ImageRef::parse(&sha384).is_ok());
        assert!(ImageRef::parse(&sha512).is_ok());
    }

    #[test]
    fn scratch() {
        assert!(parse("scratch").is_scratch());
        assert!(!parse("scratch:latest").is_scratch());
        assert!(!parse("docker.io/library/scratch").is_scratch());
        assert!(!parse("scratchy").is_scratch());
        assert!(!parse("node").is_scratch());
    }

    #[test]
    fn separators_in_repository() {
        for ok in [
            "a__b",
            "a_b",
            "a.b",
            "a-b",
            "a---b",
            "a/b-c.d_e__f",
            "0/1",
            "my-org/my_app.v2",
        ] {
            assert!(ImageRef::parse(ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn invalid_references() {
        use ImageRefError as E;
        let long_tag = format!("node:{}", "a".repeat(129));
        let max_tag = format!("node:{}", "a".repeat(128));
        let long_repo = format!("org/{}", "a".repeat(252));
        let max_repo = format!("org/{}", "a".repeat(251));
        let long_official = "a".repeat(248);
        let max_official = "a".repeat(247);
        assert!(ImageRef::parse(&max_tag).is_ok());
        assert!(ImageRef::parse(&max_repo).is_ok());
        assert!(ImageRef::parse(&max_official).is_ok());

        let upper_hex = format!("node@sha256:{}", "A".repeat(64));
        let short_sha = format!("node@sha256:{}", "a".repeat(63));
        let md5 = format!("node@md5:{}", "a".repeat(32));
        let b64 = format!("node@sha256+b64:{}", "a".repeat(64));
        type Check = fn(&ImageRefError) -> bool;
        let cases: Vec<(String, Check)> = vec![
            (String::new(), |e| *e == E::Empty),
            (":tag".into(), |e| *e == E::Empty),
            ("docker.io/".into(), |e| *e == E::Empty),
            (format!("@{SHA}"), |e| *e == E::Empty),
            ("a".repeat(64).replace('a', "f"), |e| *e == E::HexIdentifier),
            ("Node".into(), |e| matches!(e, E::Uppercase { .. })),
            ("docker.io/Library/node".into(), |e| {
                matches!(e, E::Uppercase { .. })
            }),
            ("node:".into(), |e| matches!(e, E::InvalidTag { .. })),
            ("node:-bad".into(), |e| matches!(e, E::InvalidTag { .. })),
            ("node:.bad".into(), |e| matches!(e, E::InvalidTag { .. })),
            ("node:a+b".into(), |e| matches!(e, E::InvalidTag { .. })),
            ("node:a:b".into(), |e| matches!(e, E::InvalidTag { .. })),
            (long_tag, |e| *e == E::TagTooLong { len: 129 }),
            (long_repo, |e| *e == E::RepositoryTooLong { len: 256 }),
            (long_official, |e| *e == E::RepositoryTooLong { len: 256 }),
            ("node@".into(), |e| matches!(e, E::InvalidDigest { .. })),
            ("node@sha256".into(), |e| {
                matches!(e, E::InvalidDigest { .. })
            }),
            ("node@sha256:abc".into(), |e| {
                matches!(e, E::InvalidDigest { .. })
            }),
            (upper_hex, |e| matches!(e, E::InvalidDigest { .. })),
            (short_sha, |e| matches!(e, E::InvalidDigest { .. })),
            (format!("node@{SHA}@{SHA}"), |e| {
                matches!(e, E::InvalidDigest { .. })
            }),
            (format!("node@1sha:{}", "a".repeat(64)), |e| {
                matches!(e, E::InvalidDigest { .. })
            }),
            (md5, |e| matches!(e, E::UnsupportedDigestAlgorithm { .. })),
            (b64, |e| matches!(e, E::UnsupportedDigestAlgorithm { .. })),
            ("a//b".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("a/".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("/a".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("-a".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("a-".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("a___b".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("a..b".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("a._b".into(), |e| matches!(e, E::InvalidRepository { .. })),
            (" node".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("no de".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("nöde".into(), |e| matches!(e, E::InvalidRepository { .. })),
            ("host:port/x".into(), |e| {
                matches!(e, E::InvalidRegistry { .. })
            }),
            ("host:/x".into(), |e| matches!(e, E::InvalidRegistry { .. })),
            ("host..com/x".into(), |e| {
                matches!(e, E::InvalidRegistry { .. })
            }),
            ("-host.com/x".into(), |e| {
                matches!(e, E::InvalidRegistry { .. })
            }),
            ("foo_bar.com/x".into(), |e| {
                matches!(e, E::InvalidRegistry { .. })
            }),
            ("[::1/x".into(), |e| matches!(e, E::InvalidRegistry { .. })),
            ("[]:80/x".into(), |e| matches!(e, E::InvalidRegistry { .. })),
            ("[::1]x/y".into(), |e| {
                matches!(e, E::InvalidRegistry { .. })
            }),
            ("node:bad/tag".into(), |e| {
                matches!(e, E::InvalidRegistry { .. })
            }),
        ];
        for (input, check) in &cases {
            match ImageRef::parse(input) {
                Ok(r) => panic!("{input:?} should be rejected, got {r:?}"),
                Err(e) => assert!(check(&e), "{input:?}: unexpected {e:?}"),
            }
        }
    }

    #[test]
    fn error_messages_name_the_problem() {
        let err = ImageRef::parse("Node").unwrap_err();
        assert_eq!(err.to_string(), "repository name (Node) must be lowercase");
        let err = ImageRef::parse("node@md5:0123456789abcdef0123456789abcdef").unwrap_err();
        assert_eq!(err.to_string(), "unsupported digest algorithm (md5)");
        let err = ImageRef::parse("a__-b").unwrap_err();
        assert!(err.to_string().contains("a__-b"), "{err}");
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "node",
            "node:20",
            "docker.io/library/node:20-slim",
            "localhost:5000/team/app:1.0",
            "[::1]:5000/foo",
            &format!("ghcr.io/o/r:t@{SHA}"),
            &format!("r@{SHA}"),
        ] {
            let r: ImageRef = s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"));
            assert_eq!(r.to_string(), s);
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn never_panics(s in any::<String>()) {
                if let Ok(r) = ImageRef::parse(&s) {
                    prop_assert_eq!(r.to_string(), s);
                }
            }

            #[test]
            fn round_trips_reference_like_text(
                s in "([a-zA-Z0-9]{1,4}[.:/@_-]{0,2}){1,8}",
            ) {
                if let Ok(r) = ImageRef::parse(&s) {
                    prop_assert_eq!(r.to_string(), s.clone());
                    prop_assert_eq!(ImageRef::parse(&r.to_string()), Ok(r.clone()));
                    prop_assert!(!r.family().is_empty());
                    prop_assert!(r.canonical_name().ends_with(&r.repository));
                }
            }
        }
    }
}
