//! privaudit: rule packs, the engine that turns answers into a plan, and the writers that
//! render it. The binary in `main.rs` is a thin front end over [`app::run`].
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod answers;
pub mod app;
pub mod cli;
pub mod diag;
pub mod engine;
pub mod evidence;
pub mod exit;
pub mod fsutil;
pub mod i18n;
pub mod letter;
pub mod offset;
pub mod pack;
pub mod prompt;
pub mod report;
pub mod sarif;
pub mod scan;
pub mod session;
