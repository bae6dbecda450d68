//! The spanned document tree the deck walker reads: just what a deck file can hold. Built
//! straight from parser events on the fast path, or converted from the toml crate's tree.

use std::borrow::Cow;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, PartialEq)]
pub enum Val<'i> {
    Str(Cow<'i, str>),
    Bool(bool),
    Array(Vec<Item<'i>>),
    Table(Table<'i>),
    /// Any other TOML value, by its type name: the walker only reports it.
    Other(&'static str),
}

impl Val<'_> {
    pub fn type_str(&self) -> &'static str {
        match self {
            Val::Str(_) => "string",
            Val::Bool(_) => "boolean",
            Val::Array(_) => "array",
            Val::Table(_) => "table",
            Val::Other(t) => t,
        }
    }
}

/// A value and its span (a string's includes its quotes; a table's starts at its header).
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'i> {
    pub val: Val<'i>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key<'i> {
    pub name: Cow<'i, str>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table<'i> {
    pub entries: Vec<(Key<'i>, Item<'i>)>,
}

impl<'i> Table<'i> {
    pub fn contains_key(&self, name: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.name == name)
    }

    /// From the toml crate's tree, entries in source order.
    pub fn from_toml(table: &DeTable<'i>) -> Table<'i> {
        let mut entries: Vec<(Key<'i>, Item<'i>)> = table
            .iter()
            .map(|(k, v)| {
                (
                    Key {
                        name: k.get_ref().clone(),
                        span: k.span(),
                    },
                    Item {
                        val: Val::from_toml(v.get_ref()),
                        span: v.span(),
                    },
                )
            })
            .collect();
        entries.sort_by_key(|(k, _)| k.span.start);
        Table { entries }
    }
}

impl<'i> Val<'i> {
    fn from_toml(v: &DeValue<'i>) -> Val<'i> {
        match v {
            DeValue::String(s) => Val::Str(s.clone()),
            DeValue::Boolean(b) => Val::Bool(*b),
            DeValue::Array(items) => Val::Array(
                items
                    .iter()
                    .map(|i| Item {
                        val: Val::from_toml(i.get_ref()),
                        span: i.span(),
                    })
                    .collect(),
            ),
            DeValue::Table(t) => Val::Table(Table::from_toml(t)),
            other => Val::Other(other.type_str()),
        }
    }
}
