//! The command line, as clap sees it. Flags only: resolving them into settings is
//! `settings`' job.

// The doc comments here are the help text the student reads: plain words, not rustdoc.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "medterm",
    version,
    about = "A terminal trainer for medical terminology",
    long_about = "A terminal trainer for medical terminology: word parts, built terms and clinical \
                  abbreviations, scheduled with FSRS-6.\n\nWith no command, opens the app on the \
                  built-in decks and your own."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Folder for progress, config and your own decks [default: the XDG data dir]
    #[arg(long, global = true, env = "MEDTERM_HOME", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Also load the decks in this file or folder (repeatable)
    #[arg(long = "deck", global = true, value_name = "PATH")]
    pub deck_paths: Vec<PathBuf>,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Pretend the time is this RFC 3339 instant (for tests and demos)
    #[arg(
        long,
        global = true,
        env = "MEDTERM_NOW",
        hide = true,
        value_name = "RFC3339"
    )]
    pub now: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Study now: the given decks, or all of them
    Study(StudyArgs),
    /// Check deck files and report every problem with its line and column
    Check(CheckArgs),
    /// List the loaded decks
    Decks(DecksArgs),
    /// Replay review events (JSON Lines) and print each card's state after each one
    Replay(ReplayArgs),
    /// What is due now, per deck, and the card a study session would show first
    Due(DueArgs),
    /// Print the effective configuration and where each value came from
    Config,
    /// Fit FSRS parameters to your own review history
    Optimize(OptimizeArgs),
    /// Streak, heatmap, forecast, card counts and retention
    Stats(StatsArgs),
    /// Import or export the review history
    #[command(subcommand)]
    History(HistoryCommand),
    /// Word-part drills: build terms from definitions, take terms apart, tell look-alikes
    /// apart (each drill item is scheduled like a card)
    Drill(DrillArgs),
    /// Start a deck of your own: a starter file with every field explained
    ///
    /// Writes DECK_ID.toml into your decks folder: every deck and card field explained in a
    /// comment, and two example cards. Edit it in any editor, run `medterm check`, then
    /// `medterm study DECK_ID`. An existing file is never overwritten.
    New(NewArgs),
    /// Turn an Anki, CSV/TSV or Quizlet export into a deck
    ///
    /// Reads:
    ///
    /// - Anki: File > Export > "Notes in Plain Text" (.txt). Its #separator:, #html:,
    ///   #columns:, #tags column:, #deck: and #notetype: lines are followed.
    ///
    /// - A CSV or TSV table whose first row names the columns: front, back, and any of tags
    ///   (separated by spaces), id, kind, answers, variants, parts, confused_with (lists:
    ///   entries separated by |), example, note, reverse, caution, instead.
    ///
    /// - Quizlet: Export, one card a line, term and definition separated by a tab, a comma
    ///   or --separator.
    ///
    /// HTML becomes plain text; ids come from the fronts; duplicates and cards without a
    /// front or a back are skipped and listed with their lines. The deck goes into your
    /// decks folder (or -o) and never replaces a file. A file that cannot be read is
    /// reported with its line and column, and nothing is written.
    Import(ImportArgs),
    /// Write a deck as a TSV or CSV table, which `medterm import` reads back
    ///
    /// The first row names the columns (front, back, tags, id, and the other fields the
    /// cards use); lists are separated by " | ". Goes to standard output, or to -o FILE
    /// (never replacing one).
    Export(ExportArgs),
    /// Study from standard input, one command a line: 1-4 [MS] grade the first card,
    /// u undoes, s skips, ! suspends, at RFC3339 sets the clock, q quits (for scripts and tests)
    #[command(hide = true)]
    Script(ScriptArgs),
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Import answers: JSON Lines {"card", "time", "rating", "duration_ms"?} or an Anki
    /// review-log CSV; exact duplicates (card, time, rating) are skipped
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write the merged history of every device to standard output
    Export {
        #[arg(long, value_enum, default_value_t = HistoryFormat::Jsonl)]
        format: HistoryFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// The replay format, one answer a line
    Jsonl,
    /// card_id, review_time (ms), review_rating, review_duration: what FSRS optimizer tools read
    Csv,
}

#[derive(Debug, Args)]
pub struct ScriptArgs {
    /// Only these decks [default: all]
    #[arg(value_name = "DECK_ID")]
    pub deck_ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,

    /// Only this deck (`--deck` is taken: it loads a deck file)
    #[arg(value_name = "DECK_ID")]
    pub deck: Option<String>,
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Report the fit without saving the parameters
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Only these decks [default: all]
    #[arg(value_name = "DECK_ID")]
    pub deck_ids: Vec<String>,

    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// JSON Lines of {"card": "DECK:CARD", "time": RFC3339, "rating": 1-4}; `-` or nothing
    /// reads standard input
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// No learning or relearning steps: every answer schedules in days
    #[arg(long)]
    pub no_steps: bool,

    /// FSRS parameters: a JSON array of 21 numbers (or an object with "parameters")
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,

    /// Fuzz intervals (deterministically, as a study session does)
    #[arg(long)]
    pub fuzz: bool,
}

#[derive(Debug, Args)]
pub struct StudyArgs {
    /// Only these decks [default: all]
    #[arg(value_name = "DECK_ID")]
    pub deck_ids: Vec<String>,

    /// Only cards with this tag, such as a body system: --tag cardiovascular
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
}

#[derive(Debug, Args)]
pub struct DrillArgs {
    /// build: type the term for a definition; dissect: pick a term's parts and their
    /// meanings; confusables: match look-alikes to their meanings
    #[arg(value_enum)]
    pub drill: DrillKind,

    /// Only these decks [default: all]
    #[arg(value_name = "DECK_ID")]
    pub deck_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DrillKind {
    Build,
    Dissect,
    Confusables,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Deck files or folders to check [default: the built-in decks and your own]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Check the given files on their own, without the built-in decks beside them
    #[arg(long)]
    pub no_builtin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col: severity: message` with the source line
    Human,
    /// One JSON object per line per diagnostic
    Json,
}

#[derive(Debug, Args)]
pub struct DecksArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The deck's id: lower-case letters, digits and `-`, such as cardio-basics; the file is
    /// DECK_ID.toml in your decks folder
    #[arg(value_name = "DECK_ID")]
    pub deck_id: String,

    /// The deck's title [default: from the id]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The new deck's id [default: from the file name]
    #[arg(long, value_name = "ID")]
    pub deck_id: Option<String>,

    /// The new deck's title [default: Anki's deck name, else the file name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Where to write the deck [default: DECK_ID.toml in your decks folder]
    #[arg(short = 'o', long = "output", value_name = "OUT.toml")]
    pub output: Option<PathBuf>,

    /// What the file is [default: told from the file]
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,

    /// Between term and definition (or columns): tab, comma, semicolon, pipe, space, colon,
    /// or the text itself, such as ' - ' [default: told from the file]
    #[arg(long, value_name = "SEP")]
    pub separator: Option<String>,

    /// Between cards in a Quizlet export: newline, semicolon, or the text itself
    /// [default: newline]
    #[arg(long, value_name = "SEP")]
    pub card_separator: Option<String>,

    /// Whether the fields are HTML [default: the file's #html: line, else told from the text]
    #[arg(long, value_enum)]
    pub html: Option<YesNo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Anki's "Notes in Plain Text" export
    Anki,
    /// A CSV or TSV table with a header row
    Csv,
    /// Quizlet's export: term, separator, definition
    Quizlet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The deck to export (`medterm decks` lists them)
    #[arg(value_name = "DECK_ID")]
    pub deck_id: String,

    /// Table format
    #[arg(long, value_enum, default_value_t = TableFormatArg::Tsv)]
    pub format: TableFormatArg,

    /// Write to this file instead of standard output (never replaces one)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormatArg {
    /// Tab-separated: opens in Anki and spreadsheets; commas in text need no quotes
    Tsv,
    /// Comma-separated
    Csv,
}
