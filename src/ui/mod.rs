//! The terminal app: `app` holds the state and its pure update step, `keymap` turns keys
//! into actions, `view` draws, `run` is the loop that carries out effects through the study
//! session. The UI never touches a file.

pub mod app;
pub mod keymap;
pub mod run;
pub mod theme;
pub mod view;
