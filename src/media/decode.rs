//! Decoding recordings with symphonia (pure Rust, no system libraries): WAV, MP3, M4A/AAC,
//! FLAC, OGG/Vorbis and the audio track of MP4/MOV files, as a [`SampleSource`].
//!
//! Seeking asks the container for the packet at or before the wanted frame and drops the decoded
//! frames before it, so a seek lands on the frame asked for (to the accuracy of the container's
//! timestamps). A damaged file never panics or hangs the caller: a packet that does not decode is
//! skipped (many in a row end the file as unreadable), the end of a truncated file is the end of
//! the recording, and a panic inside the decoder is caught and reported as
//! [`MediaError::Unreadable`].

use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use symphonia::core::audio::{AudioBuffer, AudioBufferRef, SampleBuffer, Signal};
use symphonia::core::codecs::{CODEC_TYPE_NULL, Decoder, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;
use symphonia::core::units::TimeBase;

use super::{MediaError, SampleSource};

/// Packets in a row that may fail to decode before the file counts as unreadable.
const MAX_BAD_PACKETS: u32 = 64;

/// Opens a recording for reading: its first audio track.
pub fn open_file(path: &Path) -> Result<Box<dyn SampleSource>, MediaError> {
    let shown = path.display().to_string();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(MediaError::Missing { path: shown }),
        Err(e) => return Err(MediaError::Unreadable { path: shown, reason: e.to_string() }),
    };
    open_stream(Box::new(file), path.extension().and_then(|e| e.to_str()), shown)
}

/// Opens a recording read from any seekable byte stream (a copy stored in the project, see
/// [`super::store`]), its format guessed from the bytes and the file extension it had; `shown`
/// names it in errors.
pub fn open_stream(
    stream: Box<dyn MediaSource>,
    extension: Option<&str>,
    shown: String,
) -> Result<Box<dyn SampleSource>, MediaError> {
    let mut hint = Hint::new();
    if let Some(ext) = extension {
        hint.with_extension(ext);
    }
    let opened = catch_unwind(AssertUnwindSafe(|| FileSource::open(stream, &hint, shown.clone())));
    match opened {
        Ok(Ok(source)) => Ok(Box::new(source)),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(MediaError::Unreadable { path: shown, reason: "the decoder failed on this file".into() }),
    }
}

struct FileSource {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    time_base: Option<TimeBase>,
    sample_rate: u32,
    channels: u16,
    total_frames: Option<u64>,
    path: String,
    /// Decoded frames not yet read (interleaved), from `pending_at`.
    pending: Vec<f32>,
    pending_at: usize,
    /// The frame the next read returns first.
    position: u64,
    /// After a seek: frames before this one are decoded and dropped.
    skip_to: Option<u64>,
    ended: bool,
    /// Set when the decoder panicked: the source cannot go on.
    broken: bool,
    buffer: Option<SampleBuffer<f32>>,
}

fn unreadable(path: &str, e: impl std::fmt::Display) -> MediaError {
    MediaError::Unreadable { path: path.to_owned(), reason: e.to_string() }
}

impl FileSource {
    fn open(file: Box<dyn MediaSource>, hint: &Hint, path: String) -> Result<FileSource, MediaError> {
        let stream = MediaSourceStream::new(file, Default::default());
        let probed = symphonia::default::get_probe()
            .format(hint, stream, &FormatOptions::default(), &MetadataOptions::default())
            .map_err(|e| unreadable(&path, described(e)))?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL && t.codec_params.sample_rate.is_some())
            .ok_or_else(|| unreadable(&path, "it has no audio track"))?;
        let params = track.codec_params.clone();
        let decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .map_err(|e| unreadable(&path, described(e)))?;
        let sample_rate = params.sample_rate.filter(|&r| r > 0).ok_or_else(|| unreadable(&path, "no sample rate"))?;
        let channels = params.channels.map(|c| c.count()).unwrap_or(0);
        let mut source = FileSource {
            track_id: track.id,
            time_base: params.time_base.filter(|tb| tb.numer > 0 && tb.denom > 0),
            sample_rate,
            channels: u16::try_from(channels).unwrap_or(0),
            total_frames: params.n_frames,
            format,
            decoder,
            path,
            pending: Vec::new(),
            pending_at: 0,
            position: 0,
            skip_to: None,
            ended: false,
            broken: false,
            buffer: None,
        };
        // Some containers only say the channel count once the first packet is decoded.
        if source.channels == 0 {
            source.decode_next()?;
            if source.channels == 0 {
                return Err(unreadable(&source.path, "it has no audio channels"));
            }
        }
        Ok(source)
    }

    /// Track timestamp -> frame.
    fn frame_of(&self, ts: u64) -> u64 {
        match self.time_base {
            Some(tb) => {
                let frames =
                    u128::from(ts) * u128::from(tb.numer) * u128::from(self.sample_rate) / u128::from(tb.denom);
                u64::try_from(frames).unwrap_or(u64::MAX)
            }
            None => ts,
        }
    }

    /// Frame -> track timestamp.
    fn ts_of(&self, frame: u64) -> u64 {
        match self.time_base {
            Some(tb) => {
                let ts =
                    u128::from(frame) * u128::from(tb.denom) / (u128::from(tb.numer) * u128::from(self.sample_rate));
                u64::try_from(ts).unwrap_or(u64::MAX)
            }
            None => frame,
        }
    }

    /// Decodes packets until some frames are pending or the file ends (returns false).
    fn decode_next(&mut self) -> Result<bool, MediaError> {
        let mut bad = 0u32;
        loop {
            let packet = match self.format.next_packet() {
                Ok(packet) => packet,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    self.ended = true;
                    return Ok(false);
                }
                Err(SymError::ResetRequired) => {
                    self.decoder.reset();
                    continue;
                }
                Err(SymError::DecodeError(_)) => {
                    bad += 1;
                    if bad > MAX_BAD_PACKETS {
                        return Err(unreadable(&self.path, "too many damaged packets"));
                    }
                    continue;
                }
                Err(e) => return Err(unreadable(&self.path, described(e))),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let first = self.frame_of(packet.ts());
            let decoded = match self.decoder.decode(&packet) {
                Ok(decoded) => decoded,
                Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => {
                    bad += 1;
                    if bad > MAX_BAD_PACKETS {
                        return Err(unreadable(&self.path, "too many damaged packets"));
                    }
                    continue;
                }
                Err(SymError::ResetRequired) => {
                    self.decoder.reset();
                    continue;
                }
                Err(e) => return Err(unreadable(&self.path, described(e))),
            };
            let spec = *decoded.spec();
            let frames = decoded.frames();
            if frames == 0 {
                continue;
            }
            let got_channels = spec.channels.count().max(1);
            if self.channels == 0 {
                self.channels = u16::try_from(got_channels).unwrap_or(1);
            }
            self.pending.clear();
            self.pending_at = 0;
            let want = usize::from(self.channels);
            if got_channels == want && interleave_fast(&decoded, &mut self.pending) {
                // 16-bit and float samples (WAV, MP3, AAC, Vorbis) converted in one tight loop.
            } else {
                let buffer = match &mut self.buffer {
                    // Capacity is counted in samples: frames times channels.
                    Some(b) if b.capacity() >= frames * got_channels => b,
                    _ => self.buffer.insert(SampleBuffer::new(decoded.capacity().max(frames) as u64, spec)),
                };
                buffer.copy_interleaved_ref(decoded);
                remix(buffer.samples(), got_channels, want, &mut self.pending);
            }
            // Drop what lies before a seek's target.
            if let Some(target) = self.skip_to {
                let last = first + (self.pending.len() / want) as u64;
                if last <= target {
                    self.pending.clear();
                    continue;
                }
                let drop = target.saturating_sub(first) as usize;
                self.pending_at = drop * want;
                self.position = first.max(target);
                self.skip_to = None;
            }
            if self.pending_at < self.pending.len() {
                return Ok(true);
            }
        }
    }

    fn read_frames(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, MediaError> {
        let ch = usize::from(self.channels.max(1));
        let mut written = 0usize;
        while written < max_frames {
            if self.pending_at >= self.pending.len() && (self.ended || !self.decode_next()?) {
                break;
            }
            let available = (self.pending.len() - self.pending_at) / ch;
            let n = available.min(max_frames - written);
            out.extend_from_slice(&self.pending[self.pending_at..self.pending_at + n * ch]);
            self.pending_at += n * ch;
            written += n;
            self.position += n as u64;
        }
        Ok(written)
    }

    fn seek_frame(&mut self, frame: u64) -> Result<u64, MediaError> {
        self.pending.clear();
        self.pending_at = 0;
        self.skip_to = None;
        if let Some(total) = self.total_frames.filter(|&total| frame >= total) {
            self.ended = true;
            self.position = total;
            return Ok(total);
        }
        self.ended = false;
        let to = SeekTo::TimeStamp { ts: self.ts_of(frame), track_id: self.track_id };
        match self.format.seek(SeekMode::Accurate, to) {
            Ok(_) => {}
            Err(SymError::SeekError(_)) => {
                // Past the end (or a container that cannot seek there): nothing more to read.
                self.ended = true;
                self.position = frame;
                return Ok(frame);
            }
            Err(e) => return Err(unreadable(&self.path, described(e))),
        }
        self.decoder.reset();
        self.skip_to = Some(frame);
        self.position = frame;
        Ok(frame)
    }
}

/// Appends a decoded buffer of 16-bit or float samples to `out`, interleaved, converted to f32
/// as symphonia does; false (nothing appended) for other sample types.
fn interleave_fast(decoded: &AudioBufferRef<'_>, out: &mut Vec<f32>) -> bool {
    match decoded {
        AudioBufferRef::S16(buf) => interleave_planes(buf.as_ref(), out, |s| f32::from(s) / 32_768.0),
        AudioBufferRef::F32(buf) => interleave_planes(buf.as_ref(), out, |s| s),
        _ => return false,
    }
    true
}

fn interleave_planes<S: symphonia::core::sample::Sample>(
    buf: &AudioBuffer<S>,
    out: &mut Vec<f32>,
    convert: impl Fn(S) -> f32,
) {
    let (frames, channels) = (buf.frames(), buf.spec().channels.count());
    if channels == 1 {
        out.extend(buf.chan(0)[..frames].iter().map(|&s| convert(s)));
        return;
    }
    let start = out.len();
    out.resize(start + frames * channels, 0.0);
    for c in 0..channels {
        for (slot, &s) in out[start + c..].iter_mut().step_by(channels).zip(&buf.chan(c)[..frames]) {
            *slot = convert(s);
        }
    }
}

/// Interleaved samples with `got` channels appended as `want` channels: the first ones kept,
/// the last repeated (a stream whose channel count changes midway).
fn remix(samples: &[f32], got: usize, want: usize, out: &mut Vec<f32>) {
    if got == want {
        out.extend_from_slice(samples);
        return;
    }
    for frame in samples.chunks_exact(got) {
        out.extend((0..want).map(|c| frame[c.min(got - 1)]));
    }
}

/// A symphonia error in words a user can act on.
fn described(e: SymError) -> String {
    match e {
        SymError::Unsupported(what) => format!("this format or codec is not supported ({what})"),
        SymError::DecodeError(what) => format!("the file is damaged ({what})"),
        SymError::LimitError(what) => format!("the file exceeds a decoding limit ({what})"),
        SymError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends too early (is it truncated?)".to_owned()
        }
        other => other.to_string(),
    }
}

impl FileSource {
    /// Runs `f`, turning a decoder panic into an error and marking the source broken.
    fn guarded<T>(&mut self, f: impl FnOnce(&mut FileSource) -> Result<T, MediaError>) -> Result<T, MediaError> {
        if self.broken {
            return Err(unreadable(&self.path, "the decoder failed earlier on this file"));
        }
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(result) => result,
            Err(_) => {
                self.broken = true;
                Err(unreadable(&self.path, "the decoder failed on this file"))
            }
        }
    }
}

impl SampleSource for FileSource {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
    fn channels(&self) -> u16 {
        self.channels.max(1)
    }
    fn total_frames(&self) -> Option<u64> {
        self.total_frames
    }
    fn seek(&mut self, frame: u64) -> Result<u64, MediaError> {
        self.guarded(|s| s.seek_frame(frame))
    }
    fn read(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, MediaError> {
        self.guarded(|s| s.read_frames(out, max_frames))
    }
}
