//! Delimited records, as CSV, TSV and Anki's text export write them: fields split by one
//! separator character, one record a line, except that a field starting with `"` runs to
//! the next `"` that is not doubled, so it may hold separators, quotes (`""`) and line breaks.
//!
//! The text's line ends are `\n` (the caller normalizes them). Every record and field keeps
//! where it started, for diagnostics and the import report.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub text: String,
    /// Byte offset of the field's first character (its opening quote, if quoted).
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: usize,
    pub fields: Vec<Field>,
}

impl Record {
    /// Whether every field is empty or spaces: an empty line.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.text.trim().is_empty())
    }

    pub fn get(&self, column: usize) -> Option<&Field> {
        self.fields.get(column)
    }
}

/// A quoted field that is never closed: everything after its quote would be one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// The opening quote.
    pub span: Range<usize>,
}

/// The records of `text`. With `comments`, a line starting with `#` where a record would
/// start is skipped (Anki's headers and comments).
pub struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    separator: char,
    comments: bool,
    failed: bool,
}

impl<'a> Records<'a> {
    pub fn new(text: &'a str, separator: char, comments: bool) -> Self {
        Records {
            text,
            pos: 0,
            line: 1,
            separator,
            comments,
            failed: false,
        }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// Moves past the end of the current line.
    fn skip_line(&mut self) {
        match self.rest().find('\n') {
            Some(i) => {
                self.pos += i + 1;
                self.line += 1;
            }
            None => self.pos = self.text.len(),
        }
    }

    /// One field from `pos`; returns it and what ended it.
    fn field(&mut self) -> Result<(Field, End), Unclosed> {
        let offset = self.pos;
        let rest = self.rest();
        if rest.starts_with('"') {
            if let Some((text, len, lines, end)) = quoted(rest, self.separator) {
                self.pos += len;
                self.line += lines;
                return Ok((Field { text, offset }, end));
            }
            if !rest.get(1..).unwrap_or("").contains('"') {
                return Err(Unclosed {
                    span: offset..offset + 1,
                });
            }
            // A quote that closes with text after it (`"Do not use" list`) was not
            // quoting: the field is read as it stands.
        }
        let sep = self.separator;
        let (len, end) = match rest.find([sep, '\n']) {
            Some(i) if rest.get(i..).is_some_and(|r| r.starts_with('\n')) => (i, End::Line),
            Some(i) => (i, End::Separator),
            None => (rest.len(), End::Eof),
        };
        let text = rest.get(..len).unwrap_or("").to_owned();
        self.pos += len
            + match end {
                End::Separator => sep.len_utf8(),
                End::Line => 1,
                End::Eof => 0,
            };
        if end == End::Line {
            self.line += 1;
        }
        Ok((Field { text, offset }, end))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Separator,
    Line,
    Eof,
}

/// A quoted field at the start of `s`: its text, its length including what ended it, the
/// line breaks it spans, and what ended it. `None` if it does not close, or closes with
/// something other than a separator or line end after it.
fn quoted(s: &str, separator: char) -> Option<(String, usize, usize, End)> {
    let mut text = String::new();
    let mut i = 1;
    loop {
        let rest = s.get(i..)?;
        let q = rest.find('"')?;
        text.push_str(rest.get(..q)?);
        i += q + 1;
        let after = s.get(i..)?;
        match after.chars().next() {
            Some('"') => {
                text.push('"');
                i += 1;
            }
            None => {
                let lines = text.matches('\n').count();
                return Some((text, i, lines, End::Eof));
            }
            Some('\n') => {
                let lines = text.matches('\n').count() + 1;
                return Some((text, i + 1, lines, End::Line));
            }
            Some(c) if c == separator => {
                let lines = text.matches('\n').count();
                return Some((text, i + c.len_utf8(), lines, End::Separator));
            }
            Some(_) => return None,
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, Unclosed>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        while self.comments && self.rest().starts_with('#') {
            self.skip_line();
        }
        if self.pos >= self.text.len() {
            return None;
        }
        let line = self.line;
        let mut fields = Vec::new();
        loop {
            match self.field() {
                Ok((field, end)) => {
                    fields.push(field);
                    if end != End::Separator {
                        break;
                    }
                }
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        Some(Ok(Record { line, fields }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, sep: char) -> Vec<(usize, Vec<String>)> {
        Records::new(text, sep, true)
            .map(|r| {
                let r = r.unwrap();
                (r.line, r.fields.into_iter().map(|f| f.text).collect())
            })
            .collect()
    }

    #[test]
    fn fields_split_at_the_separator_and_records_at_line_ends() {
        assert_eq!(
            texts("a\tb\tc\nd\te\n", '\t'),
            [
                (1, vec!["a".into(), "b".into(), "c".into()]),
                (2, vec!["d".into(), "e".into()])
            ]
        );
        assert_eq!(
            texts("a,,\n", ','),
            [(1, vec!["a".into(), String::new(), String::new()])]
        );
    }

    #[test]
    fn quoted_fields_hold_separators_quotes_and_line_breaks() {
        let got = texts(
            "\"a, b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\nlast,\"q\"",
            ',',
        );
        assert_eq!(
            got,
            [
                (1, vec!["a, b".into(), "say \"hi\"".into()]),
                (2, vec!["two\nlines".into(), "x".into()]),
                (4, vec!["last".into(), "q".into()]),
            ]
        );
    }

    #[test]
    fn a_quote_inside_or_before_text_is_literal() {
        assert_eq!(
            texts("5\" needle\t\"Do not use\" list\n", '\t'),
            [(1, vec!["5\" needle".into(), "\"Do not use\" list".into()])]
        );
    }

    #[test]
    fn comment_lines_are_skipped_and_counted() {
        let got = texts(
            "#separator:tab\n#html:true\na\tb\n#late comment\nc\td",
            '\t',
        );
        assert_eq!(
            got,
            [
                (3, vec!["a".into(), "b".into()]),
                (5, vec!["c".into(), "d".into()])
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_the_quote() {
        let text = "a,b\nc,\"never closed\nd,e\n";
        let mut records = Records::new(text, ',', false);
        assert!(records.next().unwrap().is_ok());
        let err = records.next().unwrap().unwrap_err();
        assert_eq!(err.span, 6..7);
        assert!(records.next().is_none());
    }

    #[test]
    fn offsets_point_at_each_field() {
        let r = Records::new("ab,\"c\"", ',', false)
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(
            r.fields.iter().map(|f| f.offset).collect::<Vec<_>>(),
            [0, 3]
        );
    }
}
