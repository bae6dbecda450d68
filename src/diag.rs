//! Diagnostics: a problem in a deck file, located by line and column, and the one way they
//! are printed (`path:line:col: severity: message`, the source line, a caret).

use std::fmt::{self, Write as _};
use std::ops::Range;

use serde::Serialize;

use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// The source line a diagnostic points into, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The line, sanitized so it is safe on a terminal.
    pub text: String,
    /// Display columns before the caret.
    pub caret_offset: usize,
    /// Display width of the underlined part, at least 1.
    pub caret_width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based; `None` for a problem with the file as a whole (it could not be read).
    pub line: Option<usize>,
    /// 1-based, counted in characters.
    pub column: Option<usize>,
    pub severity: Severity,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    pub snippet: Option<Snippet>,
}

impl Diagnostic {
    /// A problem with a file as a whole.
    pub fn file(path: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            severity,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col: severity: message`, then the source line with a caret and the help.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = write!(out, "{}", text::sanitize(&self.path));
        if let (Some(line), Some(col)) = (self.line, self.column) {
            let _ = write!(out, ":{line}:{col}");
        }
        let _ = writeln!(
            out,
            ": {}: {}",
            self.severity,
            text::sanitize(&self.message)
        );
        if let (Some(snippet), Some(line)) = (&self.snippet, self.line) {
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line} | {}", snippet.text);
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(snippet.caret_offset),
                "^".repeat(snippet.caret_width.max(1))
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", text::sanitize(help));
        }
        out
    }

    /// One JSON object: `{path, line, column, severity, message}` (and `help` when there is one).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        });
        if let (Some(help), Some(obj)) = (&self.help, v.as_object_mut()) {
            obj.insert("help".into(), serde_json::Value::String(help.clone()));
        }
        v
    }
}

/// A deck's text with the byte offsets of its line starts, to turn spans into positions.
/// The line starts are found the first time a position is asked for (a deck without a
/// problem never needs them: its cards' lines are counted as they are walked).
#[derive(Debug)]
pub struct SourceText<'a> {
    pub path: &'a str,
    pub text: &'a str,
    starts: std::sync::OnceLock<Vec<usize>>,
}

impl<'a> SourceText<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Self {
        SourceText {
            path,
            text,
            starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut starts = Vec::with_capacity(self.text.len() / 32 + 1);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// 1-based line and character column of a byte offset (clamped into the text and onto a
    /// character boundary).
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let starts = self.line_starts();
        let line_idx = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = starts[line_idx];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line_idx + 1, col)
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    fn floor_char_boundary(&self, mut i: usize) -> usize {
        while i > 0 && !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn line_bounds(&self, line_idx: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts[line_idx];
        let end = starts
            .get(line_idx + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }

    /// A diagnostic pointing at `span` (byte offsets into the text).
    pub fn diag(
        &self,
        span: Range<usize>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Diagnostic {
        let start = self.floor_char_boundary(span.start.min(self.text.len()));
        let (line, column) = self.position(start);
        let bounds = self.line_bounds(line - 1);
        let line_text = self.text.get(bounds.clone()).unwrap_or("");
        // The caret stays on the shown line: a span may start past it, on the `\r` of a
        // `\r\n` or at the end of a file that ends in `\r`.
        let caret = start.clamp(bounds.start, bounds.end);
        let before = self.text.get(bounds.start..caret).unwrap_or("");
        let end = self.floor_char_boundary(span.end.clamp(caret, bounds.end));
        let marked = self.text.get(caret..end).unwrap_or("");
        // A minified one-line file would print megabytes: show the source line only when short.
        let snippet = if line_text.len() <= 800 {
            Some(Snippet {
                text: text::sanitize(line_text).into_owned(),
                caret_offset: text::width(before),
                caret_width: text::width(marked).max(1),
            })
        } else {
            None
        };
        Diagnostic {
            path: self.path.to_owned(),
            line: Some(line),
            column: Some(column),
            severity,
            message: message.into(),
            help: None,
            snippet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = SourceText::new("d.toml", "ab\nµé = 1\r\nx");
        assert_eq!(src.position(0), (1, 1));
        assert_eq!(src.position(3), (2, 1));
        // 'µ' and 'é' are two bytes each: byte 7 is the space after them.
        assert_eq!(src.position(7), (2, 3));
        assert_eq!(src.position(src.text.len()), (3, 2));
    }

    /// Found by the `deck` and `config` fuzz targets: a span past the end of a line that
    /// ends in `\r` (a syntax error at the end of a file ending in `\r`) panicked.
    #[test]
    fn a_span_past_a_carriage_return_keeps_the_caret_on_the_line() {
        for (text, at) in [("a = \"x\r", 8), ("a = 1\r\nb", 6), ("x\r", 2)] {
            let src = SourceText::new("d.toml", text);
            let d = src.diag(at..at + 1, Severity::Error, "TOML syntax: boom");
            let snippet = d.snippet.unwrap();
            assert!(
                snippet.caret_offset <= text::width(&snippet.text),
                "{text:?}"
            );
        }
        let d = crate::storage::config::parse("c.toml", "new_per_day = \"\r", false);
        assert!(d.is_err());
    }

    #[test]
    fn render_has_location_source_line_and_caret() {
        let src = SourceText::new("d.toml", "[deck]\nfornt = \"x\"\n");
        let d = src
            .diag(7..12, Severity::Error, "unknown field `fornt`")
            .with_help("did you mean `front`?");
        assert_eq!(
            d.render(),
            "d.toml:2:1: error: unknown field `fornt`\n  |\n2 | fornt = \"x\"\n  | ^^^^^\n  = help: did you mean `front`?\n"
        );
    }
}
