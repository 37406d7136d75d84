//! The coding engine: the codebook, codings, memos, comments and attribute values, changed only
//! through the [`Recorder`] — by [`Command`]s, or by the bulk writers (merge, REFI import,
//! `synth`) that use the same recorder.
//!
//! Every change is applied by [`apply`] (or [`record`]) in one transaction and recorded in the append-only
//! `history` table with the before and after image of each row it touched, so it can be undone
//! and redone ([`undo`], [`redo`]) — also after the project is closed and reopened — and so the
//! codebook's evolution can be shown ([`snapshot`]). Document texts are edited the same way
//! ([`text_ops`], [`pseudonymise`]): the history keeps each edit's range and texts, and every
//! span anchored in the text moves by one rule ([`shift`], [`text_edit`]). Invalid commands are refused with a clear
//! message and change nothing. Commands refer to things by id; front ends resolve paths first.

mod apply;
mod attribute_ops;
pub mod attribute_rows;
pub mod autocode;
mod code_ops;
pub(crate) mod codebook_ops;
mod coding_ops;
pub mod command;
mod comment_ops;
mod compact;
mod coverage_ops;
pub mod history;
mod media_ops;
pub mod media_rows;
pub mod memos;
pub mod people_rows;
pub mod pseudonymise;
pub mod recorder;
pub mod rows;
pub mod search;
pub mod shift;
pub mod snapshot;
pub mod speaker_ops;
pub mod text_edit;
pub mod text_ops;
pub mod units;
mod validate;

pub use code_ops::PALETTE;
pub use validate::path_of;

pub use apply::{Applied, apply, apply_watched};
pub use command::{AttributeCell, CoderRef, Command, IncomingCode, MemoId, MemoTarget, SpanRef};
pub use history::{Bulk, EntryState, HistoryEntry, Recorded, history, redo, undo};
pub use recorder::{Mode, Recorder, Watch, Written, record};
