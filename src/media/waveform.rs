//! A recording's waveform: the lowest and highest sample of each of a fixed number of buckets,
//! drawn behind the player's seek bar.
//!
//! The recording is read once, start to end, in pieces of [`PIECE_FRAMES`] frames, so memory
//! stays bounded whatever its length (the samples are never all held); progress is reported
//! after each piece and a cancel flag is checked as often. When the length is unknown
//! beforehand (some MP3s), fine 10 ms buckets are gathered and merged to the wanted count at the
//! end (about 3 MB for two hours). [`cached`] keeps the result on disk in the user's cache
//! folder, keyed by the file's SHA-256 and the bucket count, so a recording is read only once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::{MediaError, SampleSource};

/// Frames read at a time.
pub const PIECE_FRAMES: usize = 1 << 16;

/// `peaks[i]` is the `[min, max]` of bucket `i` (all channels), in `-1.0..=1.0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Waveform {
    pub peaks: Vec<[f32; 2]>,
    /// How long one bucket lasts.
    pub bucket_ms: f64,
    /// How long the recording lasts (as read).
    pub duration_ms: u64,
}

fn cancelled() -> MediaError {
    MediaError::Other("the waveform was cancelled".to_owned())
}

/// Reads `source` from its start and computes `buckets` peaks (at least 1).
pub fn compute(
    source: &mut dyn SampleSource,
    buckets: usize,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<Waveform, MediaError> {
    let buckets = buckets.max(1);
    let rate = u64::from(source.sample_rate().max(1));
    let channels = usize::from(source.channels().max(1));
    let total = source.total_frames().filter(|&t| t > 0);
    // Frames per bucket: the wanted count when the length is known, else 10 ms to merge later.
    let per_bucket = match total {
        Some(total) => total.div_ceil(buckets as u64).max(1),
        None => (rate / 100).max(1),
    };
    source.seek(0)?;
    let mut peaks: Vec<[f32; 2]> = Vec::with_capacity(if total.is_some() { buckets } else { 1024 });
    let mut lo = f32::INFINITY;
    let mut hi = f32::NEG_INFINITY;
    let mut in_bucket = 0u64;
    let mut frames_read = 0u64;
    let mut piece = Vec::with_capacity(PIECE_FRAMES * channels);
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        piece.clear();
        let n = source.read(&mut piece, PIECE_FRAMES)?;
        if n == 0 {
            break;
        }
        let mut samples = &piece[..n * channels];
        while !samples.is_empty() {
            let take_frames = ((per_bucket - in_bucket) as usize).min(samples.len() / channels);
            let (now, rest) = samples.split_at(take_frames * channels);
            let (a, b) = min_max(now);
            lo = lo.min(a);
            hi = hi.max(b);
            in_bucket += take_frames as u64;
            samples = rest;
            if in_bucket == per_bucket {
                peaks.push([lo.clamp(-1.0, 1.0), hi.clamp(-1.0, 1.0)]);
                (lo, hi, in_bucket) = (f32::INFINITY, f32::NEG_INFINITY, 0);
            }
        }
        frames_read += n as u64;
        if let Some(total) = total {
            progress((frames_read as f32 / total as f32).min(1.0));
        }
    }
    if in_bucket > 0 {
        peaks.push([lo.clamp(-1.0, 1.0), hi.clamp(-1.0, 1.0)]);
    }
    progress(1.0);
    let duration_ms = super::frames_to_ms(frames_read, source.sample_rate());
    let bucket_ms = per_bucket as f64 * 1000.0 / rate as f64;
    Ok(match total {
        Some(_) => {
            peaks.resize(buckets, [0.0, 0.0]);
            Waveform { peaks, bucket_ms, duration_ms }
        }
        None => merge(&peaks, buckets, bucket_ms, duration_ms),
    })
}

/// The min and max of a slice (0, 0 when empty), eight lanes at a time so it vectorises.
fn min_max(samples: &[f32]) -> (f32, f32) {
    let mut lo = [f32::INFINITY; 8];
    let mut hi = [f32::NEG_INFINITY; 8];
    let chunks = samples.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        for i in 0..8 {
            lo[i] = if chunk[i] < lo[i] { chunk[i] } else { lo[i] };
            hi[i] = if chunk[i] > hi[i] { chunk[i] } else { hi[i] };
        }
    }
    let mut a = lo.iter().copied().fold(f32::INFINITY, f32::min);
    let mut b = hi.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    for &s in tail {
        a = a.min(s);
        b = b.max(s);
    }
    if a > b { (0.0, 0.0) } else { (a, b) }
}

/// Fine buckets merged into `buckets` equal ones.
fn merge(fine: &[[f32; 2]], buckets: usize, fine_ms: f64, duration_ms: u64) -> Waveform {
    let per = fine.len().div_ceil(buckets).max(1);
    let mut peaks: Vec<[f32; 2]> = fine
        .chunks(per)
        .map(|c| c.iter().fold([f32::INFINITY, f32::NEG_INFINITY], |acc, p| [acc[0].min(p[0]), acc[1].max(p[1])]))
        .collect();
    peaks.resize(buckets, [0.0, 0.0]);
    Waveform { peaks, bucket_ms: fine_ms * per as f64, duration_ms }
}

/// The folder waveforms are cached in: `$FIELDCODE_CACHE_DIR`, else the platform's cache folder
/// (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
/// Windows) + `fieldcode/waveforms`.
pub fn cache_dir() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = env("FIELDCODE_CACHE_DIR") {
        return Some(dir.join("waveforms"));
    }
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    };
    base.map(|b| b.join("fieldcode").join("waveforms"))
}

const MAGIC: &[u8; 8] = b"FCWAVE01";

fn encode(w: &Waveform) -> Vec<u8> {
    let mut out = Vec::with_capacity(28 + w.peaks.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&w.duration_ms.to_le_bytes());
    out.extend_from_slice(&w.bucket_ms.to_le_bytes());
    out.extend_from_slice(&(w.peaks.len() as u32).to_le_bytes());
    for p in &w.peaks {
        out.extend_from_slice(&p[0].to_le_bytes());
        out.extend_from_slice(&p[1].to_le_bytes());
    }
    out
}

fn decode(bytes: &[u8], buckets: usize) -> Option<Waveform> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let u64_at = |at: usize| rest.get(at..at + 8).and_then(|b| b.try_into().ok());
    let duration_ms = u64::from_le_bytes(u64_at(0)?);
    let bucket_ms = f64::from_le_bytes(u64_at(8)?);
    let count = u32::from_le_bytes(rest.get(16..20)?.try_into().ok()?) as usize;
    let body = rest.get(20..)?;
    if count != buckets || body.len() != count * 8 || !bucket_ms.is_finite() {
        return None;
    }
    let f = |c: &[u8]| f32::from_le_bytes([c[0], c[1], c[2], c[3]]).clamp(-1.0, 1.0);
    let peaks = body.chunks_exact(8).map(|c| [f(&c[..4]), f(&c[4..])]).collect();
    Some(Waveform { peaks, bucket_ms, duration_ms })
}

/// The waveform of the recording at `path` (whose SHA-256 is `sha256`), from the cache when it
/// was computed before, else computed and cached. The cache is a convenience: a cache folder
/// that cannot be written only means the next call computes again.
pub fn cached(
    path: &Path,
    sha256: &str,
    buckets: usize,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<Waveform, MediaError> {
    cached_in(cache_dir().as_deref(), path, sha256, buckets, cancel, progress)
}

/// [`cached`] with the cache in `dir` (`None`: no cache).
pub fn cached_in(
    dir: Option<&Path>,
    path: &Path,
    sha256: &str,
    buckets: usize,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<Waveform, MediaError> {
    cached_with(dir, sha256, buckets, cancel, progress, &mut || super::decode::open_file(path))
}

/// [`cached_in`] for a recording opened by `open` (only on a cache miss): a copy stored in the
/// project is cached by its SHA-256 like a linked file.
pub fn cached_with(
    dir: Option<&Path>,
    sha256: &str,
    buckets: usize,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
    open: &mut dyn FnMut() -> Result<Box<dyn super::SampleSource>, MediaError>,
) -> Result<Waveform, MediaError> {
    let buckets = buckets.max(1);
    let safe_key = sha256.chars().all(|c| c.is_ascii_hexdigit()) && !sha256.is_empty();
    let file = dir.filter(|_| safe_key).map(|d| d.join(format!("{}-{buckets}.peaks", sha256.to_lowercase())));
    if let Some(waveform) = file.as_ref().and_then(|f| std::fs::read(f).ok()).and_then(|b| decode(&b, buckets)) {
        progress(1.0);
        return Ok(waveform);
    }
    let mut source = open()?;
    let waveform = compute(source.as_mut(), buckets, cancel, progress)?;
    if let Some(file) = file {
        let _ = store(&file, &waveform);
    }
    Ok(waveform)
}

/// Writes a cache file whole (a temporary file renamed into place).
fn store(file: &Path, waveform: &Waveform) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, encode(waveform))?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::tone::TableSource;

    #[test]
    fn peaks_cover_the_recording_and_stay_in_range() {
        let mut source = TableSource::new(8000, 2, 3.0);
        let mut seen = Vec::new();
        let w = compute(&mut source, 300, &AtomicBool::new(false), &mut |p| seen.push(p)).unwrap();
        assert_eq!(w.peaks.len(), 300);
        assert_eq!(w.duration_ms, 3000);
        assert!((w.bucket_ms - 10.0).abs() < 1e-9);
        assert!(w.peaks.iter().all(|p| -1.0 <= p[0] && p[0] <= p[1] && p[1] <= 1.0));
        assert!(w.peaks.iter().any(|p| p[1] > 0.1), "the tones show");
        assert_eq!(seen.last(), Some(&1.0));
    }

    #[test]
    fn a_cancelled_waveform_stops() {
        let mut source = TableSource::new(8000, 1, 3.0);
        let err = compute(&mut source, 10, &AtomicBool::new(true), &mut |_| {}).unwrap_err();
        assert!(matches!(err, MediaError::Other(_)));
    }

    #[test]
    fn the_cache_format_round_trips_and_rejects_other_counts() {
        let w = Waveform { peaks: vec![[-0.5, 0.25], [0.0, 1.0]], bucket_ms: 12.5, duration_ms: 25 };
        assert_eq!(decode(&encode(&w), 2), Some(w.clone()));
        assert_eq!(decode(&encode(&w), 3), None);
        assert_eq!(decode(&encode(&w)[..20], 2), None);
    }
}
