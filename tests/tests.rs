//! The integration tests: one binary, one module per area. `util` runs the real `fieldcode` binary.
#![allow(dead_code, clippy::unwrap_used)]

mod util;

mod analysis_cache;
mod analysis_cli;
mod analysis_reference;
mod analysis_rules;
mod coding_cli;
mod coding_props;
mod crash_safety;
mod data_safety;
mod fuzz_parsers;
mod import_cli;
mod import_transcripts;
mod media_cli;
mod media_decode;
mod media_embed;
mod player;
mod rename_speaker;
mod sheet_and_codebook;
mod sheet_edit;
mod store_open;
mod text_edit;
mod write_path;

mod export_excerpts;
mod export_support;
mod refi_import;
mod refi_media;
mod refi_peers;
mod refi_roundtrip;
mod refi_stream;
mod team_agreement;
mod team_cli;
mod team_measures;
mod team_merge;
mod team_merge_edited;
mod team_resolve;
mod team_support;
mod team_unitizing;

#[cfg(feature = "gui")]
mod gui_actions;
#[cfg(feature = "gui")]
mod gui_charts;
#[cfg(feature = "gui")]
mod gui_compare;
#[cfg(feature = "gui")]
mod gui_day;
#[cfg(feature = "gui")]
mod gui_document_patch;
#[cfg(feature = "gui")]
mod gui_drop;
#[cfg(feature = "gui")]
mod gui_exports;
#[cfg(feature = "gui")]
mod gui_files;
#[cfg(feature = "gui")]
mod gui_flows;
mod gui_import_merge;
#[cfg(feature = "gui")]
mod gui_media_embed;
#[cfg(feature = "gui")]
mod gui_memos;
#[cfg(feature = "gui")]
mod gui_panels;
#[cfg(feature = "gui")]
mod gui_player;
#[cfg(feature = "gui")]
mod gui_rename_speaker;
mod gui_retrieval;
#[cfg(feature = "gui")]
mod gui_review;
#[cfg(feature = "gui")]
mod gui_screens;
#[cfg(feature = "gui")]
mod gui_sheet;
#[cfg(feature = "gui")]
mod gui_support;
#[cfg(feature = "gui")]
mod gui_text_edit;
#[cfg(feature = "gui")]
mod gui_text_tools;
