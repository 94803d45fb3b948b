//! What the label rules share: the labels of a file with their keys and
//! values resolved, and the checks of the value formats a label schema
//! (`label-schema` in the options) can ask for.
//!
//! Keys and values are expanded as BuildKit expands them when it runs a
//! `LABEL` (quotes removed, variables of the stage substituted). A value that
//! refers to a variable whose value is not known here (an `ARG` without a
//! default) is not checked: it is only known at build time.

use crate::diagnostic::Diagnostic;
use crate::model::Base;
use crate::rules::options::LabelType;
use crate::rules::{Context, RuleMeta};
use crate::syntax::{Args, Keyword, Span};

/// One `key=value` pair of a top-level `LABEL`.
pub struct LabelPair {
    /// The instruction (index into `Dockerfile::instructions`).
    pub instruction: usize,
    /// The key, expanded.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value, expanded; `None` when it depends on a variable whose value
    /// is not known before the build.
    pub value: Option<String>,
    /// Where the value is written (empty for `key=`).
    pub value_span: Span,
}

/// Every pair of every top-level `LABEL`, in file order.
pub fn pairs(cx: &Context<'_>) -> Vec<LabelPair> {
    let mut out = Vec::new();
    for (i, inst) in cx.instructions() {
        let (Keyword::Label, Args::Pairs(pairs)) = (inst.keyword, &inst.args) else {
            continue;
        };
        for kv in pairs {
            let key = match cx.model.expand(&kv.key.value, i) {
                Ok(e) => e.value,
                Err(_) => kv.key.value.trim_matches(['"', '\'']).to_string(),
            };
            let value = match cx.model.expand(&kv.value.value, i) {
                Ok(e) if e.unset.is_empty() => Some(e.value),
                Ok(_) | Err(_) => None,
            };
            out.push(LabelPair {
                instruction: i,
                key,
                key_span: kv.key.span,
                value,
                value_span: kv.value.span,
            });
        }
    }
    out
}

/// Whether stage `index` or a stage it is built `FROM` sets label `key`.
pub fn stage_has_label(cx: &Context<'_>, pairs: &[LabelPair], index: usize, key: &str) -> bool {
    let mut s = Some(index);
    let mut steps = 0;
    while let Some(si) = s {
        let stage = &cx.model.stages[si];
        if pairs.iter().any(|p| {
            p.key == key && cx.model.stage_of.get(p.instruction).copied().flatten() == Some(si)
        }) {
            return true;
        }
        s = match stage.base {
            Base::Stage(p) if p < si && steps < cx.model.stages.len() => Some(p),
            _ => None,
        };
        steps += 1;
    }
    false
}

/// Report every label of the schema with type `ty` whose (known, non-empty)
/// value `valid` rejects.
pub fn check_format(
    cx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
    meta: &'static RuleMeta,
    ty: LabelType,
    valid: fn(&str) -> bool,
    what: &str,
) {
    if !cx.options.label_schema.values().any(|t| *t == ty) {
        return;
    }
    for p in pairs(cx) {
        if cx.options.label_schema.get(&p.key) != Some(&ty) {
            continue;
        }
        let Some(value) = p.value.as_deref() else {
            continue;
        };
        // An empty value is `empty-label`'s finding.
        if value.is_empty() || valid(value) {
            continue;
        }
        out.push(cx.diag(
            meta,
            p.value_span,
            format!("label `{}` is not {what}: `{value}`", p.key),
        ));
    }
}

/// An absolute URI as RFC 3986 defines it (`scheme:rest`), as Haskell's
/// `Network.URI.parseURI` (which hadolint uses) accepts it.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    // Brackets (IPv6 literals) only in the authority.
    let authority_end = match rest.strip_prefix("//") {
        Some(a) => 2 + a.find(['/', '?', '#']).unwrap_or(a.len()),
        None => 0,
    };
    let bytes = rest.as_bytes();
    let mut hashes = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ok = match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3);
                if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                i += 2;
                true
            }
            b'#' => {
                hashes += 1;
                hashes == 1
            }
            b'[' | b']' => i < authority_end,
            b if b.is_ascii_alphanumeric() => true,
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b':' | b'@' | b'/' | b'?' => true,
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// An RFC 3339 date-time: `2024-05-01T12:30:00Z`, with optional fractional
/// seconds and a `Z` or `±hh:mm` offset.
pub fn is_rfc3339(s: &str) -> bool {
    fn num(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
        let t = s.get(range)?;
        (t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    }
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return false;
    }
    if b[13] != b':' || b[16] != b':' {
        return false;
    }
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) = (
        num(s, 0..4),
        num(s, 5..7),
        num(s, 8..10),
        num(s, 11..13),
        num(s, 14..16),
        num(s, 17..19),
    ) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if d == 0 || d > days || h > 23 || mi > 59 || sec > 60 {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', _, _, b':', _, _] => {
            matches!((num(rest, 1..3), num(rest, 4..6)), (Some(oh), Some(om)) if oh <= 23 && om <= 59)
        }
        _ => false,
    }
}

/// A git commit hash: 7 (short) or 40 (full) lowercase hexadecimal digits.
pub fn is_git_hash(s: &str) -> bool {
    (s.len() == 7 || s.len() == 40) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A semantic version (semver.org 2.0.0): `MAJOR.MINOR.PATCH`, an optional
/// `-pre.release` and an optional `+build.metadata`; no leading `v`.
pub fn is_semver(s: &str) -> bool {
    fn numeric(id: &str) -> bool {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && (id == "0" || !id.starts_with('0'))
    }
    fn ident(id: &str) -> bool {
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| numeric(p)) {
        return false;
    }
    let pre_ok = pre.is_none_or(|p| {
        p.split('.')
            .all(|id| ident(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric(id)))
    });
    let build_ok = build.is_none_or(|b| b.split('.').all(ident));
    pre_ok && build_ok
}

/// An e-mail address (RFC 5322 `addr-spec`: `local@domain`, without a
/// display name).
pub fn is_email(s: &str) -> bool {
    fn atext(c: char) -> bool {
        c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
    }
    fn dot_atom(s: &str) -> bool {
        !s.is_empty() && s.split('.').all(|a| !a.is_empty() && a.chars().all(atext))
    }
    let Some(at) = s.rfind('@') else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.is_empty() || local.len() > 64 || domain.is_empty() || domain.len() > 255 {
        return false;
    }
    let local_ok = dot_atom(local)
        || (local.len() >= 2
            && local.starts_with('"')
            && local.ends_with('"')
            && quoted_ok(&local[1..local.len() - 1]));
    let domain_ok = dot_atom(domain)
        || (domain.starts_with('[')
            && domain.ends_with(']')
            && domain[1..domain.len() - 1]
                .chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '[' | ']' | '\\')));
    local_ok && domain_ok
}

/// The inside of a quoted local part: printable ASCII and spaces, with `"`
/// and `\` only escaped.
fn quoted_ok(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if !chars
                    .next()
                    .is_some_and(|n| n.is_ascii() && !n.is_ascii_control())
                {
                    return false;
                }
            }
            '"' => return false,
            c if c == ' ' || c.is_ascii_graphic() => {}
            _ => return false,
        }
    }
    true
}

/// SPDX license identifiers accepted by `label-not-spdx` (matched without
/// regard to case, as the SPDX specification says). Not the whole SPDX list:
/// the licenses and deprecated identifiers found in practice.
#[rustfmt::skip]
const SPDX_LICENSES: &[&str] = &[
    "0BSD", "AAL", "AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0", "AGPL-1.0",
    "AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later",
    "AML", "AMPAS", "ANTLR-PD", "APAFML", "APL-1.0", "APSL-1.0", "APSL-1.1", "APSL-1.2",
    "APSL-2.0", "Apache-1.0", "Apache-1.1", "Apache-2.0", "Artistic-1.0", "Artistic-1.0-Perl",
    "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-FreeBSD",
    "BSD-2-Clause-NetBSD", "BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Attribution",
    "BSD-3-Clause-Clear", "BSD-3-Clause-LBNL", "BSD-4-Clause", "BSD-Source-Code", "BSL-1.0",
    "BUSL-1.1", "Beerware", "BlueOak-1.0.0", "CAL-1.0", "CATOSL-1.1", "CC-BY-1.0", "CC-BY-2.0",
    "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-PDDC", "CC0-1.0", "CDDL-1.0",
    "CDDL-1.1", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "CECILL-2.0",
    "CECILL-2.1", "CECILL-B", "CECILL-C", "CNRI-Python", "CPAL-1.0", "CPL-1.0", "CUA-OPL-1.0",
    "ECL-1.0", "ECL-2.0", "EFL-1.0", "EFL-2.0", "EPL-1.0", "EPL-2.0", "EUDatagrid", "EUPL-1.0",
    "EUPL-1.1", "EUPL-1.2", "Entessa", "FSFAP", "FTL", "Fair", "Frameworx-1.0", "GFDL-1.1",
    "GFDL-1.2", "GFDL-1.3", "GFDL-1.3-only", "GFDL-1.3-or-later", "GPL-1.0", "GPL-1.0+",
    "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0", "GPL-2.0+", "GPL-2.0-only",
    "GPL-2.0-or-later", "GPL-2.0-with-classpath-exception", "GPL-3.0", "GPL-3.0+",
    "GPL-3.0-only", "GPL-3.0-or-later", "HPND", "ICU", "IJG", "IPA", "IPL-1.0", "ISC",
    "Info-ZIP", "Intel", "JSON", "LGPL-2.0", "LGPL-2.0+", "LGPL-2.0-only", "LGPL-2.0-or-later",
    "LGPL-2.1", "LGPL-2.1+", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0+",
    "LGPL-3.0-only", "LGPL-3.0-or-later", "LPL-1.0", "LPL-1.02", "LPPL-1.3c", "Libpng",
    "MIT", "MIT-0", "MIT-CMU", "MIT-Modern-Variant", "MPL-1.0", "MPL-1.1", "MPL-2.0",
    "MPL-2.0-no-copyleft-exception", "MS-PL", "MS-RL", "MirOS", "Motosoto", "MulanPSL-2.0",
    "Multics", "NASA-1.3", "NCSA", "NGPL", "NPOSL-3.0", "NTP", "Naumen", "Nokia", "OCLC-2.0",
    "ODbL-1.0", "OFL-1.0", "OFL-1.1", "OGTSL", "OLDAP-2.8", "OSET-PL-2.1", "OSL-1.0", "OSL-2.0",
    "OSL-2.1", "OSL-3.0", "OpenSSL", "PDDL-1.0", "PHP-3.0", "PHP-3.01", "PSF-2.0", "PostgreSQL",
    "Python-2.0", "QPL-1.0", "RPL-1.1", "RPL-1.5", "RPSL-1.0", "RSCPL", "Ruby", "SGI-B-2.0",
    "SISSL", "SMLNJ", "SPL-1.0", "SSPL-1.0", "Sleepycat", "UCL-1.0", "UPL-1.0",
    "Unicode-3.0", "Unicode-DFS-2015", "Unicode-DFS-2016", "Unlicense", "VSL-1.0", "Vim",
    "W3C", "WTFPL", "Watcom-1.0", "X11", "XFree86-1.1", "Xnet", "YPL-1.1", "ZPL-1.1",
    "ZPL-2.0", "ZPL-2.1", "Zend-2.0", "Zlib", "bzip2-1.0.6", "curl", "libpng-2.0",
    "libtiff", "wxWindows", "zlib-acknowledgement",
];

/// SPDX license exception identifiers (after `WITH`).
#[rustfmt::skip]
const SPDX_EXCEPTIONS: &[&str] = &[
    "389-exception", "Autoconf-exception-2.0", "Autoconf-exception-3.0", "Bison-exception-2.2",
    "Bootloader-exception", "Classpath-exception-2.0", "CLISP-exception-2.0",
    "DigiRule-FOSS-exception", "eCos-exception-2.0", "Fawkes-Runtime-exception",
    "FLTK-exception", "Font-exception-2.0", "freertos-exception-2.0", "GCC-exception-2.0",
    "GCC-exception-3.1", "gnu-javamail-exception", "GPL-3.0-linking-exception",
    "GPL-3.0-linking-source-exception", "GPL-CC-1.0", "i2p-gpl-java-exception",
    "Libtool-exception", "Linux-syscall-note", "LLVM-exception", "LZMA-exception",
    "mif-exception", "OCaml-LGPL-linking-exception", "OCCT-exception-1.0",
    "OpenJDK-assembly-exception-1.0", "openvpn-openssl-exception", "PS-or-PDF-font-exception-20170817",
    "Qt-GPL-exception-1.0", "Qt-LGPL-exception-1.1", "Qwt-exception-1.0", "Swift-exception",
    "u-boot-exception-2.0", "Universal-FOSS-exception-1.0", "WxWindows-exception-3.1",
];

/// An SPDX license expression: identifiers (optionally with `+`), `LicenseRef-`
/// and `DocumentRef-...:LicenseRef-` references, `WITH <exception>`, `AND`,
/// `OR` and parentheses.
pub fn is_spdx(s: &str) -> bool {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in s.chars() {
        match c {
            '(' | ')' => {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
                tokens.push(c.to_string());
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut pos = 0;
    spdx_expr(&tokens, &mut pos, 0) && pos == tokens.len()
}

fn spdx_expr(t: &[String], pos: &mut usize, depth: usize) -> bool {
    if depth > 32 || !spdx_term(t, pos, depth) {
        return false;
    }
    while matches!(t.get(*pos).map(String::as_str), Some("AND" | "OR")) {
        *pos += 1;
        if !spdx_term(t, pos, depth) {
            return false;
        }
    }
    true
}

fn spdx_term(t: &[String], pos: &mut usize, depth: usize) -> bool {
    let Some(tok) = t.get(*pos) else {
        return false;
    };
    *pos += 1;
    if tok == "(" {
        return spdx_expr(t, pos, depth + 1) && t.get(*pos).is_some_and(|c| c == ")") && {
            *pos += 1;
            true
        };
    }
    let known = |list: &[&str], id: &str| list.iter().any(|l| l.eq_ignore_ascii_case(id));
    let is_ref = |id: &str| {
        let id = match id.strip_prefix("DocumentRef-") {
            Some(rest) => match rest.split_once(':') {
                Some((doc, lic)) if idstring(doc) => lic,
                _ => return false,
            },
            None => id,
        };
        id.strip_prefix("LicenseRef-").is_some_and(idstring)
    };
    let license = known(SPDX_LICENSES, tok)
        || tok
            .strip_suffix('+')
            .is_some_and(|id| known(SPDX_LICENSES, id))
        || is_ref(tok);
    if !license {
        return false;
    }
    if t.get(*pos).is_some_and(|w| w == "WITH") {
        *pos += 1;
        return t.get(*pos).is_some_and(|e| {
            *pos += 1;
            known(SPDX_EXCEPTIONS, e)
        });
    }
    true
}

/// An SPDX `idstring`: letters, digits, `.` and `-`.
fn idstring(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_url("https://example.com/x?y=1#z"));
        assert!(is_url("mailto:a@b.c"));
        assert!(is_url("http://[::1]:80/"));
        assert!(!is_url("example.com"));
        assert!(!is_url("https://exa mple.com"));
        assert!(!is_url("1http://x"));
        assert!(!is_url("http://x/%zz"));
        assert!(!is_url("http://x/#a#b"));
    }

    #[test]
    fn dates() {
        assert!(is_rfc3339("2024-02-29T23:59:60Z"));
        assert!(is_rfc3339("2024-05-01T12:30:00.123+02:00"));
        assert!(!is_rfc3339("2023-02-29T00:00:00Z"));
        assert!(!is_rfc3339("2024-05-01 12:30:00Z"));
        assert!(!is_rfc3339("2024-05-01T12:30:00"));
        assert!(!is_rfc3339("2024-13-01T12:30:00Z"));
    }

    #[test]
    fn versions_and_hashes() {
        assert!(is_semver("1.2.3"));
        assert!(is_semver("1.0.0-rc.1+build.5"));
        assert!(!is_semver("v1.2.3"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("01.2.3"));
        assert!(!is_semver("1.2.3-01"));
        assert!(is_git_hash("abc1234"));
        assert!(!is_git_hash("ABC1234"));
        assert!(!is_git_hash("abc12345"));
    }

    #[test]
    fn emails() {
        assert!(is_email("jane@example.com"));
        assert!(is_email("\"jane doe\"@example.com"));
        assert!(!is_email("Jane <jane@example.com>"));
        assert!(!is_email("jane.@example.com"));
        assert!(!is_email("@example.com"));
    }

    #[test]
    fn spdx() {
        assert!(is_spdx("MIT"));
        assert!(is_spdx("apache-2.0"));
        assert!(is_spdx("MIT OR Apache-2.0"));
        assert!(is_spdx("(MIT OR Apache-2.0) AND BSD-3-Clause"));
        assert!(is_spdx("GPL-2.0-or-later WITH Classpath-exception-2.0"));
        assert!(is_spdx("LicenseRef-Proprietary"));
        assert!(is_spdx("GPL-2.0+"));
        assert!(!is_spdx("MIT or Apache-2.0"));
        assert!(!is_spdx("Apache 2"));
        assert!(!is_spdx("(MIT"));
        assert!(!is_spdx(""));
        assert!(!is_spdx("MIT WITH Nothing"));
    }
}
