//! Linked recordings in a REFI-QDA export: each document with a media link also gets an
//! `AudioSource` (a `VideoSource` for MP4/MOV/M4V) whose one `Transcript` names the same
//! `internal://GUID.txt` as the document's `TextSource` and carries one `SyncPoint` per point of
//! the document's time map. The `TextSource` stays exactly as it is, with every coding on its
//! `PlainTextSelection`s, because that is what every peer reads; the recording is extra
//! information for readers that play media. The recording itself is not copied into the
//! archive (Fieldcode never moves media without being asked): its `path` is an absolute
//! `file://` URI, which REFI-QDA allows, so a reader on the same machine finds it. A recording
//! the user stored in the project (see [`crate::media::store`]) travels with it: it is written
//! into the archive as `sources/GUID.ext` and named `internal://GUID.ext` ([`internal_file`]).

use std::path::{Component, Path};

use super::export::{Positions, Utf16Offsets};
use super::guid;
use super::model::{MediaKind, MediaSource, SyncPoint, Transcript};
use crate::error::Result;
use crate::media::link::{self, MediaLink};
use crate::model::DocumentSummary;
use crate::store::time_map;

/// The recording of `doc` as a media source with its transcript; `text` is the document's text.
pub fn media_source(
    conn: &rusqlite::Connection,
    project_path: &Path,
    doc: &DocumentSummary,
    link: &MediaLink,
    text: &str,
    positions: Positions,
) -> Result<MediaSource> {
    let file = link::resolve(link, project_path);
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| link.path.clone());
    let units = Utf16Offsets::new(text, positions);
    let length = text.chars().count();
    let sync_points = time_map::load(conn, doc.id)?
        .iter()
        .enumerate()
        .map(|(i, point)| SyncPoint {
            guid: guid::derived(&["sync-point", &doc.guid, &i.to_string()]),
            position: units.of(point.offset.min(length)) as i64,
            time_ms: point.ms.saturating_add(link.offset_ms).max(0),
        })
        .collect();
    Ok(MediaSource {
        kind: media_kind(&file),
        guid: guid::derived(&["recording", &doc.guid]),
        name,
        path: Some(match link.embedded {
            true => format!("internal://{}", internal_file(doc, link)),
            false => file_uri(&file),
        }),
        transcripts: vec![Transcript {
            guid: guid::derived(&["transcript", &doc.guid]),
            name: doc.name.clone(),
            plain_text_path: Some(format!("internal://{}.txt", doc.guid)),
            created: Some(doc.imported_at.clone()),
            sync_points,
            ..Transcript::default()
        }],
    })
}

/// The archive's file name (under `sources/`) of the stored recording of `doc`: the media
/// source's GUID with the recording's extension.
pub fn internal_file(doc: &DocumentSummary, link: &MediaLink) -> String {
    let guid = guid::derived(&["recording", &doc.guid]);
    let name = link.path.rsplit(['/', '\\']).next().unwrap_or_default();
    match name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()) => format!("{guid}.{ext}"),
        _ => guid,
    }
}

/// `Video` for the video containers Fieldcode plays the sound of (MP4, MOV, M4V), else `Audio`.
pub fn media_kind(file: &Path) -> MediaKind {
    let ext = file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if matches!(ext.as_str(), "mp4" | "mov" | "m4v") { MediaKind::Video } else { MediaKind::Audio }
}

/// An absolute path as a `file:///…` URI: each component percent-encoded except the characters
/// RFC 3986 leaves unreserved (and a Windows drive's `C:`).
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => {
                uri.push('/');
                uri.push_str(&prefix.as_os_str().to_string_lossy());
            }
            Component::RootDir => {}
            Component::CurDir => continue,
            Component::ParentDir => {
                uri.push_str("/..");
            }
            Component::Normal(part) => {
                uri.push('/');
                uri.push_str(&percent_encode(&part.to_string_lossy()));
            }
        }
    }
    if uri == "file://" {
        uri.push('/');
    }
    uri
}

fn percent_encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for byte in part.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The path of a `file://` URI (percent-decoded), or `None` when it is not one or does not
/// decode to UTF-8. `file://localhost/…` and `file:/…` are accepted as well.
pub fn path_of_file_uri(uri: &str) -> Option<std::path::PathBuf> {
    let rest = uri.strip_prefix("file:")?;
    let rest = rest.strip_prefix("//localhost").or_else(|| rest.strip_prefix("//")).unwrap_or(rest);
    let decoded = percent_decode(rest)?;
    // `file:///C:/x` names `C:/x` on Windows.
    let windows_drive = decoded.len() > 2 && decoded.as_bytes()[2] == b':' && cfg!(windows);
    Some(std::path::PathBuf::from(if windows_drive { &decoded[1..] } else { decoded.as_str() }))
}

/// `%XX` escapes decoded; `None` for a broken escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn file_uris_are_percent_encoded_and_decode_back() {
        let path = Path::new("/home/ana/Étude 1/a#b%c.wav");
        let uri = file_uri(path);
        assert_eq!(uri, "file:///home/ana/%C3%89tude%201/a%23b%25c.wav");
        assert_eq!(path_of_file_uri(&uri).as_deref(), Some(path));
        assert_eq!(path_of_file_uri("file://localhost/tmp/x.wav").as_deref(), Some(Path::new("/tmp/x.wav")));
        assert_eq!(path_of_file_uri("file:///bad%zz"), None);
        assert_eq!(path_of_file_uri("relative:///x.wav"), None);
    }

    #[test]
    fn video_containers_are_video_sources() {
        assert_eq!(media_kind(Path::new("a/b.MOV")), MediaKind::Video);
        assert_eq!(media_kind(Path::new("a/b.m4v")), MediaKind::Video);
        assert_eq!(media_kind(Path::new("a/b.m4a")), MediaKind::Audio);
        assert_eq!(media_kind(Path::new("a/b")), MediaKind::Audio);
    }
}
