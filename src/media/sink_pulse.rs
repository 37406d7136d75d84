//! Sound output through the desktop's sound server, spoken to in pure Rust.
//!
//! Fieldcode must build on a fresh machine without `-dev` packages, so it links no sound
//! library: the `pulseaudio` crate speaks PulseAudio's native protocol over its unix socket,
//! which both PulseAudio and PipeWire's Pulse server (the default on current Linux desktops)
//! accept. Where no server answers (CI, a headless box, another OS) [`open_output`] says so with
//! [`MediaError::NoDevice`] and everything else in Fieldcode still works.
//!
//! The crate runs its own thread that answers the server's requests for data. The player's
//! writes go into a small ring (about 100 ms) that this thread drains; a write waits while the
//! ring is full, which paces the player at the speed of the sound card. The server's own buffer
//! is kept short (about 80 ms), so a play or seek is heard quickly and a flush drops little.
//!
//! While nothing is written (after a pause or a seek, and before the first write) the stream is
//! corked, so a paused player does not keep the sound card awake.
//!
//! The crate's client thread lives as long as its connection, so one client is kept for the
//! whole process and each sink opens and deletes a stream on it.

use super::{AudioSink, MediaError};

/// Opens the default sound output at `sample_rate` with `channels` samples a frame (up to 7.1,
/// mixed down by the server; beyond eight channels the first two are played), or says why none
/// can be opened.
pub fn open_output(sample_rate: u32, channels: u16) -> Result<Box<dyn AudioSink>, MediaError> {
    #[cfg(unix)]
    {
        imp::open(sample_rate, channels)
    }
    #[cfg(not(unix))]
    {
        let _ = (sample_rate, channels);
        Err(MediaError::NoDevice {
            reason: "sound output is only available on Linux and other Unix systems for now".into(),
        })
    }
}

#[cfg(unix)]
mod imp {
    use std::collections::VecDeque;
    use std::ffi::CString;
    use std::os::unix::net::UnixStream;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
    use std::task::{Context, Poll, Waker};
    use std::time::{Duration, Instant};

    use pulseaudio::protocol;
    use pulseaudio::{Client, ClientError, PlaybackSource, PlaybackStream};

    use super::{AudioSink, MediaError};

    /// Sync ids for the streams of the shared client.
    static NEXT_SYNC_ID: AtomicU32 = AtomicU32::new(1);

    /// How long the player's ring holds, in milliseconds.
    const RING_MS: u64 = 100;
    /// How much the server keeps buffered for the stream, in milliseconds.
    const SERVER_MS: u64 = 80;
    /// How long to wait for the server to answer or to take audio before giving up.
    const PATIENCE: Duration = Duration::from_secs(3);

    fn no_device(reason: impl Into<String>) -> MediaError {
        MediaError::NoDevice { reason: reason.into() }
    }

    /// The one connection to the sound server, shared by every sink (empty until first used).
    fn slot() -> MutexGuard<'static, Option<Client>> {
        static CLIENT: OnceLock<Mutex<Option<Client>>> = OnceLock::new();
        CLIENT.get_or_init(|| Mutex::new(None)).lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The shared connection, made on first use.
    fn client() -> Result<Client, MediaError> {
        let mut slot = slot();
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let Some(path) = pulseaudio::socket_path_from_env() else {
            return Err(no_device(
                "no PulseAudio or PipeWire sound server found (looked at PULSE_SERVER, PULSE_RUNTIME_PATH and XDG_RUNTIME_DIR/pulse/native)",
            ));
        };
        let client = connect(&path)?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Connects to the server listening at `path` and says hello (blocking, at most
    /// [`PATIENCE`] for each answer).
    pub(super) fn connect(path: &std::path::Path) -> Result<Client, MediaError> {
        let socket = UnixStream::connect(path)
            .map_err(|e| no_device(format!("cannot reach the sound server at {}: {e}", path.display())))?;
        // The handshake is blocking: do not wait for ever on a server that does not answer.
        socket
            .set_read_timeout(Some(PATIENCE))
            .and_then(|()| socket.set_write_timeout(Some(PATIENCE)))
            .map_err(|e| no_device(format!("sound server at {}: {e}", path.display())))?;
        let cookie = pulseaudio::cookie_path_from_env().and_then(|p| std::fs::read(p).ok());
        Client::new_unix(c"Fieldcode", socket, cookie)
            .map_err(|e| no_device(format!("the sound server at {} did not accept Fieldcode: {e}", path.display())))
    }

    /// Forgets the shared connection (after it failed), so the next open makes a new one.
    fn forget_client() {
        *slot() = None;
    }

    /// Runs `future` on a helper thread and waits for it at most [`PATIENCE`].
    fn with_patience<T: Send + 'static>(
        what: &str,
        future: impl std::future::Future<Output = T> + Send + 'static,
    ) -> Result<T, MediaError> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("fieldcode-sound-open".into())
            .spawn(move || {
                let _ = tx.send(futures::executor::block_on(future));
            })
            .map_err(|e| no_device(format!("{what}: cannot start a thread: {e}")))?;
        rx.recv_timeout(PATIENCE).map_err(|_| no_device(format!("{what}: the sound server did not answer")))
    }

    /// The samples written and not yet taken by the server, and who to wake.
    struct Ring {
        samples: VecDeque<f32>,
        /// The client thread's waker, left when it found the ring empty.
        waker: Option<Waker>,
        /// Frames handed to the server since the last flush.
        served: u64,
    }

    struct Shared {
        ring: Mutex<Ring>,
        taken: Condvar,
    }

    impl Shared {
        fn lock(&self) -> MutexGuard<'_, Ring> {
            self.ring.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
        }
    }

    /// What the client thread reads from: the ring, as little-endian `f32` bytes.
    struct RingSource {
        shared: Arc<Shared>,
        channels: usize,
    }

    impl PlaybackSource for RingSource {
        fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<usize> {
            let this = self.get_mut();
            let frame_bytes = 4 * this.channels;
            let mut ring = this.shared.lock();
            let frames = (buf.len() / frame_bytes).min(ring.samples.len() / this.channels);
            if frames == 0 {
                // Nothing to give: returning 0 would end the stream, so wait for a write.
                ring.waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            let samples = frames * this.channels;
            for (chunk, sample) in buf.chunks_exact_mut(4).zip(ring.samples.drain(..samples)) {
                chunk.copy_from_slice(&sample.to_le_bytes());
            }
            ring.served += frames as u64;
            drop(ring);
            this.shared.taken.notify_all();
            Poll::Ready(samples * 4)
        }
    }

    /// A playback stream on the sound server.
    pub struct PulseSink {
        stream: Option<PlaybackStream>,
        shared: Arc<Shared>,
        in_channels: usize,
        out_channels: usize,
        ring_capacity: usize,
        server_frames: u64,
        /// Whether the stream is corked: it is while nothing is written (after a flush, that is
        /// a pause or a seek), so a paused player does not keep the sound card awake.
        corked: bool,
    }

    /// The speaker layout for `channels` in the usual file order (WAV, FLAC, and what the
    /// decoder gives for AAC), so the server mixes them down properly: with 5.1 the voice is in
    /// the centre channel, which taking the first two channels would drop. More than eight:
    /// `None` (the first two are played).
    fn channel_map(channels: u16) -> Option<protocol::ChannelMap> {
        use protocol::ChannelPosition::*;
        let positions: &[protocol::ChannelPosition] = match channels {
            1 => return Some(protocol::ChannelMap::mono()),
            2 => return Some(protocol::ChannelMap::stereo()),
            3 => &[FrontLeft, FrontRight, FrontCenter],
            4 => &[FrontLeft, FrontRight, RearLeft, RearRight],
            5 => &[FrontLeft, FrontRight, FrontCenter, RearLeft, RearRight],
            6 => &[FrontLeft, FrontRight, FrontCenter, Lfe, RearLeft, RearRight],
            7 => &[FrontLeft, FrontRight, FrontCenter, Lfe, RearCenter, SideLeft, SideRight],
            8 => &[FrontLeft, FrontRight, FrontCenter, Lfe, RearLeft, RearRight, SideLeft, SideRight],
            _ => return None,
        };
        Some(protocol::ChannelMap::new(positions.iter().copied()))
    }

    pub fn open(sample_rate: u32, channels: u16) -> Result<Box<dyn AudioSink>, MediaError> {
        if sample_rate == 0 || channels == 0 {
            return Err(no_device(format!("cannot play {channels} channels at {sample_rate} Hz")));
        }
        let (out_channels, channel_map) = match channel_map(channels) {
            Some(map) => (channels as u8, map),
            None => (2, protocol::ChannelMap::stereo()),
        };
        let frame_bytes = 4 * u64::from(out_channels);
        let bytes_for =
            |ms: u64| -> u32 { (u64::from(sample_rate) * ms / 1000 * frame_bytes).min(u64::from(u32::MAX)) as u32 };
        let mut props = protocol::Props::new();
        if let Ok(name) = CString::new("Recording") {
            props.set(protocol::Prop::MediaName, name.as_c_str());
        }
        let params = protocol::PlaybackStreamParams {
            sample_spec: protocol::SampleSpec {
                format: protocol::SampleFormat::Float32Le,
                channels: out_channels,
                sample_rate,
            },
            channel_map,
            cvolume: Some(protocol::ChannelVolume::norm(out_channels)),
            sink_name: Some(protocol::DEFAULT_SINK.to_owned()),
            buffer_attr: protocol::stream::BufferAttr {
                max_length: u32::MAX,
                target_length: bytes_for(SERVER_MS),
                pre_buffering: bytes_for(20),
                minimum_request_length: bytes_for(10),
                fragment_size: u32::MAX,
            },
            props,
            // Streams of one client with the same sync id are played in lock-step, and the server
            // refuses a second one that cannot be: every sink gets its own.
            sync_id: NEXT_SYNC_ID.fetch_add(1, Ordering::Relaxed),
            // Nothing plays until the first write.
            flags: protocol::stream::StreamFlags { start_corked: true, ..Default::default() },
            ..Default::default()
        };
        let shared = Arc::new(Shared {
            ring: Mutex::new(Ring { samples: VecDeque::new(), waker: None, served: 0 }),
            taken: Condvar::new(),
        });
        // The shared connection may have died with its server (restarted, or the user switched
        // sessions): then one fresh connection is tried before giving up.
        let mut attempt = 0;
        let stream =
            loop {
                attempt += 1;
                let client = client()?;
                let source = RingSource { shared: Arc::clone(&shared), channels: usize::from(out_channels) };
                let params = params.clone();
                let created = with_patience("opening a sound stream", async move {
                    client.create_playback_stream(params, source).await
                });
                let error = match created {
                    Ok(Ok(stream)) => break stream,
                    Ok(Err(ClientError::ServerError(e))) => {
                        return Err(no_device(format!(
                            "the sound server refused to play {channels} channels at {sample_rate} Hz: {e}"
                        )));
                    }
                    Ok(Err(e)) => no_device(format!("the connection to the sound server failed: {e}")),
                    Err(e) => e,
                };
                forget_client();
                if attempt >= 2 {
                    return Err(error);
                }
            };
        let ring_capacity = crate::media::ms_to_frames(RING_MS, sample_rate) as usize * usize::from(out_channels);
        Ok(Box::new(PulseSink {
            stream: Some(stream),
            shared,
            in_channels: usize::from(channels),
            out_channels: usize::from(out_channels),
            ring_capacity: ring_capacity.max(1),
            server_frames: crate::media::ms_to_frames(SERVER_MS, sample_rate),
            corked: true,
        }))
    }

    impl AudioSink for PulseSink {
        fn write(&mut self, samples: &[f32]) -> Result<(), MediaError> {
            let frames = samples.len() / self.in_channels;
            if frames == 0 {
                return Ok(());
            }
            if self.corked {
                if let Some(stream) = self.stream.clone() {
                    with_patience("starting the sound stream", async move { stream.uncork().await })?
                        .map_err(|e| no_device(format!("the sound server failed to start the stream: {e}")))?;
                }
                self.corked = false;
            }
            let incoming = frames * self.out_channels;
            let deadline = Instant::now() + PATIENCE;
            let mut ring = self.shared.lock();
            // Wait while the ring is full (bounded: a server that stops taking audio is an error).
            while !ring.samples.is_empty() && ring.samples.len() + incoming > self.ring_capacity {
                let now = Instant::now();
                if now >= deadline {
                    return Err(no_device("the sound server stopped taking audio"));
                }
                ring = match self.shared.taken.wait_timeout(ring, deadline - now) {
                    Ok((guard, _)) => guard,
                    Err(poisoned) => poisoned.into_inner().0,
                };
            }
            if self.in_channels == self.out_channels {
                ring.samples.extend(samples[..frames * self.in_channels].iter().copied());
            } else {
                for frame in samples.chunks_exact(self.in_channels) {
                    ring.samples.extend(frame.iter().take(self.out_channels).copied());
                }
            }
            let waker = ring.waker.take();
            drop(ring);
            if let Some(waker) = waker {
                waker.wake();
            }
            Ok(())
        }

        fn flush(&mut self) -> Result<(), MediaError> {
            {
                let mut ring = self.shared.lock();
                ring.samples.clear();
                ring.served = 0;
            }
            self.shared.taken.notify_all();
            if let Some(stream) = self.stream.clone() {
                with_patience("flushing the sound stream", async move {
                    stream.flush().await?;
                    stream.cork().await
                })?
                .map_err(|e| no_device(format!("the sound server failed a flush: {e}")))?;
                self.corked = true;
            }
            Ok(())
        }

        fn queued_frames(&self) -> u64 {
            let ring = self.shared.lock();
            // The server holds at most its target buffer of what it was given.
            (ring.samples.len() / self.out_channels) as u64 + ring.served.min(self.server_frames)
        }
    }

    impl Drop for PulseSink {
        fn drop(&mut self) {
            if let Some(stream) = self.stream.take() {
                // Deleting waits for the server's answer, at most [`PATIENCE`].
                let _ = with_patience("closing the sound stream", async move { stream.delete().await });
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::imp::connect;
    use crate::media::MediaError;

    fn assert_no_device(result: Result<pulseaudio::Client, MediaError>, expect: &str) {
        match result {
            Err(MediaError::NoDevice { reason }) => assert!(reason.contains(expect), "reason: {reason}"),
            Err(other) => panic!("expected NoDevice, got {other}"),
            Ok(_) => panic!("expected NoDevice, got a connection"),
        }
    }

    #[test]
    fn no_server_is_no_device() {
        let dir = tempfile::tempdir().unwrap();
        assert_no_device(connect(&dir.path().join("pulse/native")), "cannot reach the sound server");
        // A file that is not a socket.
        let file = dir.path().join("native");
        std::fs::write(&file, b"not a socket").unwrap();
        assert_no_device(connect(&file), "cannot reach the sound server");
    }

    #[test]
    fn a_server_that_hangs_up_is_no_device() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("native");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let server = std::thread::spawn(move || {
            // Accept, read a little, and hang up without answering.
            if let Ok((stream, _)) = listener.accept() {
                drop(stream);
            }
        });
        assert_no_device(connect(&path), "did not accept Fieldcode");
        server.join().unwrap();
    }
}
