//! HTML field text, as Anki keeps it, turned into the plain text of a deck: tags stripped,
//! `<br>` and block elements as line breaks, entities decoded, scripts, styles and comments
//! dropped, Anki's `[sound:...]` references removed. Never fails: what is not HTML is text.

use std::borrow::Cow;

/// What a conversion left out, counted for the import report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    pub images: usize,
    pub sounds: usize,
}

/// Removes Anki's `[sound:file.mp3]` references: medterm plays no audio.
pub fn strip_sounds<'a>(s: &'a str, dropped: &mut Dropped) -> Cow<'a, str> {
    const OPEN: &str = "[sound:";
    if !s.contains(OPEN) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(OPEN) {
        let after = rest.get(i + OPEN.len()..).unwrap_or("");
        let Some(end) = after.find(']') else { break };
        out.push_str(rest.get(..i).unwrap_or(""));
        dropped.sounds += 1;
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Where the text first looks like HTML (a common tag or entity), as a byte offset: how a
/// file that does not say whether it holds HTML is judged.
pub fn html_evidence(s: &str) -> Option<(usize, &'static str)> {
    const SIGNS: &[&str] = &[
        "<br>", "<br/>", "<br />", "<div>", "<div ", "</div>", "<p>", "</p>", "<b>", "</b>", "<i>",
        "</i>", "<u>", "</u>", "<span", "</span>", "<img ", "<font", "</font>", "<sub>", "<sup>",
        "<li>", "&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;", "&#",
    ];
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'<' && b != b'&' {
            continue;
        }
        let tail = bytes.get(i..).unwrap_or(&[]);
        for sign in SIGNS {
            if tail.len() >= sign.len()
                && tail
                    .get(..sign.len())
                    .is_some_and(|t| t.eq_ignore_ascii_case(sign.as_bytes()))
            {
                return Some((i, sign));
            }
        }
    }
    None
}

/// The plain text of an HTML fragment.
pub fn to_text(html: &str, dropped: &mut Dropped) -> String {
    let mut out = Builder::default();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                if let Some(after) = rest.strip_prefix("<!--") {
                    rest = after
                        .find("-->")
                        .map_or("", |i| after.get(i + 3..).unwrap_or(""));
                    continue;
                }
                let Some((tag, len)) = parse_tag(rest) else {
                    out.text('<');
                    rest = rest.get(1..).unwrap_or("");
                    continue;
                };
                rest = rest.get(len..).unwrap_or("");
                match tag.name.as_str() {
                    "br" => out.line_break(),
                    "script" | "style" | "title" if !tag.closing => {
                        rest = skip_element(rest, &tag.name);
                    }
                    "img" if !tag.closing => dropped.images += 1,
                    "td" | "th" if !tag.closing => out.text(' '),
                    name if is_block(name) => out.block(),
                    _ => {}
                }
            }
            '&' => {
                let (decoded, len) = entity(rest);
                match decoded {
                    Some(d) => d.chars().for_each(|c| out.text(c)),
                    None => out.text('&'),
                }
                rest = rest.get(len..).unwrap_or("");
            }
            c => {
                out.text(c);
                rest = rest.get(c.len_utf8()..).unwrap_or("");
            }
        }
    }
    out.finish()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "table"
            | "blockquote"
            | "pre"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "article"
            | "header"
            | "footer"
    )
}

/// Text with HTML's whitespace rules: runs of spaces and line ends are one space, line
/// breaks come from tags.
#[derive(Default)]
struct Builder {
    s: String,
    space: bool,
}

impl Builder {
    fn text(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = !self.s.is_empty() && !self.s.ends_with('\n');
        } else {
            if self.space {
                self.s.push(' ');
                self.space = false;
            }
            self.s.push(c);
        }
    }

    fn line_break(&mut self) {
        self.space = false;
        self.s.push('\n');
    }

    /// A block element starts or ends: the text goes on on a new line.
    fn block(&mut self) {
        self.space = false;
        if !self.s.is_empty() && !self.s.ends_with('\n') {
            self.s.push('\n');
        }
    }

    /// Lines trimmed, at most one empty line in a row, none at the ends.
    fn finish(self) -> String {
        let mut out = String::with_capacity(self.s.len());
        let mut blank = false;
        for line in self.s.split('\n').map(str::trim) {
            if line.is_empty() {
                blank = !out.is_empty();
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
                if blank {
                    out.push('\n');
                }
            }
            blank = false;
            out.push_str(line);
        }
        out
    }
}

struct Tag {
    name: String,
    closing: bool,
}

/// A tag at the start of `s` (which starts with `<`) and its length in bytes; `None` when
/// the `<` starts no tag ("a < b", or no `>` follows).
fn parse_tag(s: &str) -> Option<(Tag, usize)> {
    let after = s.get(1..)?;
    let (closing, name_start) = match after.chars().next()? {
        '/' => (true, after.get(1..)?),
        '!' | '?' => (false, after.get(1..)?),
        c if c.is_ascii_alphabetic() => (false, after),
        _ => return None,
    };
    let name: String = name_start
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if name.is_empty() && closing {
        return None;
    }
    // The tag ends at the first `>` outside a quoted attribute value.
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some((Tag { name, closing }, i + 1)),
            _ => {}
        }
    }
    None
}

/// Skips the content of a `<script>` or `<style>` element and its closing tag.
fn skip_element<'a>(s: &'a str, name: &str) -> &'a str {
    let close = format!("</{name}");
    let lower = s.to_ascii_lowercase();
    match lower.find(&close) {
        Some(i) => {
            let from = s.get(i..).unwrap_or("");
            from.find('>')
                .map_or("", |j| from.get(j + 1..).unwrap_or(""))
        }
        None => "",
    }
}

/// The text of an entity at the start of `s` (which starts with `&`) and its length;
/// `None` and 1 when it is no entity medterm knows.
fn entity(s: &str) -> (Option<Cow<'static, str>>, usize) {
    // `&`, a name or number of at most 32 ASCII characters, `;`.
    let Some(end) = s
        .bytes()
        .take(34)
        .position(|b| b == b';' || !(b.is_ascii_alphanumeric() || b == b'#' || b == b'&'))
        .filter(|&i| s.as_bytes().get(i) == Some(&b';'))
    else {
        return (None, 1);
    };
    let body = s.get(1..end).unwrap_or("");
    let len = end + 1;
    if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        return match code {
            Some(0) | None => (None, 1),
            Some(code) => (
                Some(Cow::Owned(
                    char::from_u32(code).unwrap_or('\u{FFFD}').to_string(),
                )),
                len,
            ),
        };
    }
    match named_entity(body) {
        Some(c) => (Some(Cow::Owned(c.to_string())), len),
        None => (None, 1),
    }
}

/// Greek letters by name, lower case; capitals are 0x20 below.
const GREEK: &[(&str, u32)] = &[
    ("alpha", 0x3B1),
    ("beta", 0x3B2),
    ("gamma", 0x3B3),
    ("delta", 0x3B4),
    ("epsilon", 0x3B5),
    ("zeta", 0x3B6),
    ("eta", 0x3B7),
    ("theta", 0x3B8),
    ("iota", 0x3B9),
    ("kappa", 0x3BA),
    ("lambda", 0x3BB),
    ("mu", 0x3BC),
    ("nu", 0x3BD),
    ("xi", 0x3BE),
    ("omicron", 0x3BF),
    ("pi", 0x3C0),
    ("rho", 0x3C1),
    ("sigma", 0x3C3),
    ("tau", 0x3C4),
    ("upsilon", 0x3C5),
    ("phi", 0x3C6),
    ("chi", 0x3C7),
    ("psi", 0x3C8),
    ("omega", 0x3C9),
];

/// The named entities found in card text: markup, punctuation, symbols of dosing and
/// measurement, Latin-1 letters and Greek.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("ensp", ' '),
    ("emsp", ' '),
    ("thinsp", ' '),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("bull", '•'),
    ("middot", '·'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("times", '×'),
    ("divide", '÷'),
    ("micro", 'µ'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("sup1", '¹'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("le", '≤'),
    ("ge", '≥'),
    ("ne", '≠'),
    ("asymp", '≈'),
    ("infin", '∞'),
    ("minus", '−'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
    ("harr", '↔'),
    ("rArr", '⇒'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("sect", '§'),
    ("para", '¶'),
    ("cent", '¢'),
    ("pound", '£'),
    ("euro", '€'),
    ("yen", '¥'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("szlig", 'ß'),
    ("aelig", 'æ'),
    ("AElig", 'Æ'),
    ("oelig", 'œ'),
    ("OElig", 'Œ'),
    ("oslash", 'ø'),
    ("Oslash", 'Ø'),
    ("aring", 'å'),
    ("Aring", 'Å'),
    ("ccedil", 'ç'),
    ("Ccedil", 'Ç'),
    ("ntilde", 'ñ'),
    ("Ntilde", 'Ñ'),
    ("sigmaf", 'ς'),
];

/// Accented Latin-1 vowels: `eacute`, `Ouml`, ...
fn accented(name: &str) -> Option<char> {
    let mut chars = name.chars();
    let letter = chars.next()?;
    let accent = chars.as_str();
    let table: &[(char, [char; 5])] = &[
        ('a', ['á', 'à', 'â', 'ä', 'ã']),
        ('e', ['é', 'è', 'ê', 'ë', 'e']),
        ('i', ['í', 'ì', 'î', 'ï', 'i']),
        ('o', ['ó', 'ò', 'ô', 'ö', 'õ']),
        ('u', ['ú', 'ù', 'û', 'ü', 'u']),
        ('A', ['Á', 'À', 'Â', 'Ä', 'Ã']),
        ('E', ['É', 'È', 'Ê', 'Ë', 'E']),
        ('I', ['Í', 'Ì', 'Î', 'Ï', 'I']),
        ('O', ['Ó', 'Ò', 'Ô', 'Ö', 'Õ']),
        ('U', ['Ú', 'Ù', 'Û', 'Ü', 'U']),
    ];
    let which = match accent {
        "acute" => 0,
        "grave" => 1,
        "circ" => 2,
        "uml" => 3,
        "tilde" if matches!(letter, 'a' | 'o' | 'A' | 'O') => 4,
        _ => return None,
    };
    table
        .iter()
        .find(|(l, _)| *l == letter)
        .and_then(|(_, forms)| forms.get(which).copied())
}

fn named_entity(name: &str) -> Option<char> {
    if let Some(&(_, c)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some(c);
    }
    if let Some(c) = accented(name) {
        return Some(c);
    }
    let lower = name.to_ascii_lowercase();
    let &(_, code) = GREEK.iter().find(|(n, _)| *n == lower)?;
    let capital = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    char::from_u32(if capital { code - 0x20 } else { code })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html, &mut Dropped::default())
    }

    #[test]
    fn breaks_and_blocks_become_lines() {
        assert_eq!(text("gastr/o<br>stomach"), "gastr/o\nstomach");
        assert_eq!(text("<div>one</div><div>two</div>"), "one\ntwo");
        assert_eq!(text("a<br><br><br><br>b"), "a\n\nb");
        assert_eq!(text("<p>first</p>\n\n<p>second</p>"), "first\nsecond");
        assert_eq!(text("<div><br></div>"), "");
        assert_eq!(text("<ul><li>one</li><li>two</li></ul>"), "one\ntwo");
    }

    #[test]
    fn tags_are_stripped_and_whitespace_collapsed() {
        assert_eq!(text("<b>brady-</b>  <i>slow</i>"), "brady- slow");
        assert_eq!(
            text("<span style=\"color: rgb(0, 0, 0);\">heart</span>"),
            "heart"
        );
        assert_eq!(text("a\n  b"), "a b");
        assert_eq!(text("<a href='x>y'>link</a>"), "link");
        assert_eq!(text("<td>a</td><td>b</td>"), "a b");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(text("I&amp;O"), "I&O");
        assert_eq!(text("&lt; 10 &gt;"), "< 10 >");
        assert_eq!(text("&quot;U&quot; &#39;u&#39;"), "\"U\" 'u'");
        assert_eq!(text("a&nbsp;&nbsp;b"), "a b");
        assert_eq!(text("5&#x3BC;g &#181;g"), "5\u{3bc}g \u{b5}g");
        assert_eq!(text("&beta;-blocker, &Delta;"), "β-blocker, Δ");
        assert_eq!(text("Sj&ouml;gren, caf&eacute;"), "Sjögren, café");
        assert_eq!(text("&deg;C &plusmn; &frac12;"), "°C ± ½");
    }

    #[test]
    fn what_is_not_markup_stays_text() {
        assert_eq!(text("a < b and c > d"), "a < b and c > d");
        assert_eq!(text("H&H, I&O; & more"), "H&H, I&O; & more");
        assert_eq!(text("&bogus; &#xZZ; &#0;"), "&bogus; &#xZZ; &#0;");
        assert_eq!(text("unclosed <b"), "unclosed <b");
        assert_eq!(text("</>"), "</>");
    }

    #[test]
    fn scripts_styles_comments_and_images_are_dropped() {
        let mut dropped = Dropped::default();
        let out = to_text(
            "<style>.x{color:red}</style>a<!-- note -->b<SCRIPT>alert(1)</script>c<img src=\"h.png\">",
            &mut dropped,
        );
        assert_eq!(out, "abc");
        assert_eq!(dropped.images, 1);
        assert_eq!(text("a<script>never closed"), "a");
    }

    #[test]
    fn sounds_are_removed_and_counted() {
        let mut dropped = Dropped::default();
        assert_eq!(
            strip_sounds("tachy- [sound:tachy.mp3]fast[sound:x.ogg]", &mut dropped),
            "tachy- fast"
        );
        assert_eq!(dropped.sounds, 2);
        assert_eq!(strip_sounds("[sound:open", &mut dropped), "[sound:open");
    }

    #[test]
    fn html_is_recognised_by_common_tags_and_entities() {
        assert_eq!(html_evidence("a<BR>b").map(|e| e.0), Some(1));
        assert_eq!(html_evidence("x &nbsp;").map(|e| e.1), Some("&nbsp;"));
        assert_eq!(html_evidence("I&O, < 10, H&H"), None);
    }

    #[test]
    fn arbitrary_input_never_panics() {
        for s in [
            "<", "&", "&#", "&#x;", "<!--", "<\u{e9}>", "&\u{e9};", "<a b='", "<br",
        ] {
            let _ = text(s);
        }
    }
}
