//! The player, headless: generated recordings in, a recording null sink out.
//!
//! Each test waits on the player's own condition ("every command handled and paused",
//! `Player::wait_settled`) with a generous bound that fails clearly, never on a sleep.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use fieldcode::media::sink_null::NullSinkLog;
use fieldcode::media::{MediaError, NullSink, OpenedMedia, Player, SampleSource, open_output};

/// Long enough for any of these tests on a slow, shared CI machine; a hang fails instead.
const PATIENCE: Duration = Duration::from_secs(30);

/// A generated recording: `value(frame, channel)` for each sample.
struct Generated {
    rate: u32,
    channels: u16,
    total: u64,
    pos: u64,
    value: fn(u64, u16) -> f32,
    /// Reading at or past this frame fails (a file broken mid-way).
    fail_at: Option<u64>,
    /// Seeks land up to this many frames early (like a compressed format's packets).
    seek_slack: u64,
    gate: Option<Arc<Gate>>,
    /// Whether the length is told (a stream without a length in its header does not).
    length_known: bool,
}

impl Generated {
    fn new(rate: u32, channels: u16, seconds: u64, value: fn(u64, u16) -> f32) -> Generated {
        Generated {
            rate,
            channels,
            total: rate as u64 * seconds,
            pos: 0,
            value,
            fail_at: None,
            seek_slack: 0,
            gate: None,
            length_known: true,
        }
    }

    fn media(self) -> OpenedMedia {
        OpenedMedia { source: Box::new(self), offset_ms: 0, label: "generated.wav".into() }
    }
}

impl SampleSource for Generated {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    fn channels(&self) -> u16 {
        self.channels
    }
    fn total_frames(&self) -> Option<u64> {
        self.length_known.then_some(self.total)
    }
    fn seek(&mut self, frame: u64) -> Result<u64, MediaError> {
        let frame = frame.min(self.total);
        // Lands on "packet" boundaries every `seek_slack + 1` frames.
        self.pos = frame - frame % (self.seek_slack + 1);
        Ok(self.pos)
    }
    fn read(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, MediaError> {
        if let Some(gate) = &self.gate {
            gate.pass();
        }
        if self.fail_at.is_some_and(|at| self.pos >= at) {
            return Err(MediaError::Unreadable { path: "generated.wav".into(), reason: "broken packet".into() });
        }
        let n = (max_frames as u64).min(self.total - self.pos);
        for frame in self.pos..self.pos + n {
            for channel in 0..self.channels {
                out.push((self.value)(frame, channel));
            }
        }
        self.pos += n;
        Ok(n as usize)
    }
}

/// Frame index encoded in the sample (exact in f32 below 2^24), negative on the second channel.
fn ramp(frame: u64, channel: u16) -> f32 {
    let v = frame as f32 / 16_777_216.0;
    if channel == 0 { v } else { -v }
}

fn frame_of(sample: f32) -> u64 {
    (sample.abs() * 16_777_216.0).round() as u64
}

fn sine_440(frame: u64, _channel: u16) -> f32 {
    (2.0 * std::f64::consts::PI * 440.0 * frame as f64 / 16_000.0).sin() as f32 * 0.5
}

/// A player on `source` with a null sink; the log reads what the sink got.
fn player(source: Generated) -> (Player, NullSinkLog) {
    let sink = NullSink::new(source.rate, source.channels);
    let log = sink.log();
    (Player::start(source.media(), Box::new(sink)), log)
}

fn settle(player: &Player) {
    assert!(player.wait_settled(PATIENCE), "the player did not pause within {PATIENCE:?}: {:?}", player.status());
}

#[test]
fn starts_paused_at_zero_with_duration_and_label() {
    // The GUI keeps the player in its state and may hand it to a worker.
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Player>();
    let (player, log) = player(Generated::new(8_000, 1, 10, ramp));
    settle(&player);
    let status = player.status();
    assert!(!status.playing);
    assert_eq!(status.position_ms, 0);
    assert_eq!(status.duration_ms, Some(10_000));
    assert_eq!(status.label, "generated.wav");
    assert_eq!((status.speed, status.volume), (1.0, 1.0));
    assert!(status.error.is_none());
    assert_eq!(log.frames_written(), 0);
}

#[test]
fn a_span_plays_exactly_its_frames_then_pauses() {
    for channels in [1u16, 2] {
        let (player, log) = player(Generated::new(8_000, channels, 10, ramp));
        player.play_span(1_000, 2_500);
        settle(&player);
        let status = player.status();
        assert!(!status.playing);
        assert_eq!(status.position_ms, 2_500);
        assert_eq!(status.span_end_ms, None);
        let samples = log.samples();
        assert_eq!(samples.len(), 12_000 * channels as usize, "1.5 s at 8 kHz");
        assert_eq!(frame_of(samples[0]), 8_000);
        assert_eq!(frame_of(samples[samples.len() - 1]), 19_999);
        // In order, nothing skipped or repeated, channels kept apart.
        for (i, frame) in samples.chunks(channels as usize).enumerate() {
            assert_eq!(frame_of(frame[0]), 8_000 + i as u64);
            if channels == 2 {
                assert_eq!(frame[1], -frame[0]);
            }
        }
        // A second span plays from its own start.
        log.clear();
        player.play_span(9_900, 20_000);
        settle(&player);
        let samples = log.samples();
        assert_eq!(samples.len(), 800 * channels as usize, "up to the end of the recording");
        assert_eq!(player.status().position_ms, 10_000);
    }
}

#[test]
fn seeking_lands_within_10_ms() {
    let mut source = Generated::new(44_100, 2, 60, ramp);
    // Lands up to 5 ms early, as a compressed format may.
    source.seek_slack = 220;
    let (player, log) = player(source);
    for target in [0u64, 1, 3_217, 59_990, 25_000, 123_456_789] {
        player.seek_ms(target);
        settle(&player);
        let expected = target.min(60_000);
        let position = player.status().position_ms;
        assert!(position.abs_diff(expected) <= 10, "seek to {target} ms landed at {position} ms");
        assert!(!player.status().playing);
    }
    // Playing after a seek starts where it landed.
    player.seek_ms(30_000);
    player.play_span(30_000, 30_100);
    settle(&player);
    let first = frame_of(log.samples()[0]);
    assert!(first.abs_diff(30 * 44_100) <= 441, "played from frame {first}");
}

#[test]
fn double_speed_halves_the_output_and_keeps_the_pitch() {
    let (player, log) = player(Generated::new(16_000, 1, 10, sine_440));
    player.set_speed(2.0);
    player.play_span(1_000, 5_000);
    settle(&player);
    let status = player.status();
    assert_eq!(status.speed, 2.0);
    assert_eq!(status.position_ms, 5_000);
    let out = log.samples();
    let expected = 4.0 * 16_000.0 / 2.0;
    let ratio = out.len() as f64 / expected;
    assert!((0.95..1.05).contains(&ratio), "{} frames for 4 s at 2x, expected about {expected}", out.len());
    // Zero crossings per second of output: 880 for a 440 Hz tone, whatever the speed.
    let core = &out[800..out.len() - 800];
    let crossings = core.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count() as f64;
    let per_second = crossings / (core.len() as f64 / 16_000.0);
    assert!((per_second / 880.0 - 1.0).abs() < 0.05, "{per_second} crossings a second");

    // Half speed: twice the output, same pitch.
    log.clear();
    player.set_speed(0.1);
    player.play_span(1_000, 2_000);
    settle(&player);
    assert_eq!(player.status().speed, 0.5, "clamped to 0.5");
    let out = log.samples();
    let ratio = out.len() as f64 / 32_000.0;
    assert!((0.95..1.05).contains(&ratio), "{} frames for 1 s at 0.5x", out.len());
    let core = &out[800..out.len() - 800];
    let crossings = core.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count() as f64;
    let per_second = crossings / (core.len() as f64 / 16_000.0);
    assert!((per_second / 880.0 - 1.0).abs() < 0.05, "{per_second} crossings a second at half speed");
}

#[test]
fn volume_scales_the_samples() {
    let (player, log) = player(Generated::new(8_000, 2, 5, ramp));
    player.set_volume(0.25);
    player.play_span(2_000, 2_100);
    settle(&player);
    assert_eq!(player.status().volume, 0.25);
    let samples = log.samples();
    assert_eq!(samples.len(), 800 * 2);
    for (i, frame) in samples.chunks(2).enumerate() {
        let source = ramp(16_000 + i as u64, 0);
        assert_eq!(frame[0], source * 0.25);
        assert_eq!(frame[1], -source * 0.25);
    }
    player.set_volume(7.0);
    player.set_volume(f32::NAN);
    settle(&player);
    assert_eq!(player.status().volume, 1.0, "clamped to 1, NaN ignored");
    player.set_volume(-1.0);
    settle(&player);
    assert_eq!(player.status().volume, 0.0);
}

#[test]
fn a_file_broken_mid_way_reports_and_pauses() {
    let mut source = Generated::new(8_000, 1, 10, ramp);
    source.fail_at = Some(20_000);
    let (player, log) = player(source);
    player.play();
    settle(&player);
    let status = player.status();
    assert!(!status.playing);
    let error = status.error.expect("the read error is in the status");
    assert!(error.to_string().contains("generated.wav"), "{error}");
    assert!(error.to_string().contains("broken packet"), "{error}");
    assert_eq!(log.frames_written(), 20_000, "everything before the break was played");
    // The player is still usable: a span before the break plays and clears the error.
    player.play_span(0, 500);
    settle(&player);
    assert!(player.status().error.is_none());
}

#[test]
fn playing_to_the_end_pauses_there_and_play_restarts() {
    let (player, log) = player(Generated::new(8_000, 1, 2, ramp));
    player.play();
    settle(&player);
    let status = player.status();
    assert!(!status.playing);
    assert_eq!(status.position_ms, 2_000);
    assert_eq!(log.frames_written(), 16_000);
    log.clear();
    player.toggle();
    settle(&player);
    assert_eq!(log.frames_written(), 16_000, "playing at the end starts again");
    assert_eq!(frame_of(log.samples()[0]), 0);
}

/// Lets the test hand out reads one at a time, so it can act while the player is mid-way.
struct Gate {
    state: Mutex<(u64, u64)>, // (reads allowed, reads arrived)
    changed: Condvar,
}

impl Gate {
    fn new() -> Arc<Gate> {
        Arc::new(Gate { state: Mutex::new((0, 0)), changed: Condvar::new() })
    }
    /// Called by the source before each read: waits for a permit (bounded).
    fn pass(&self) {
        let mut state = self.state.lock().unwrap();
        state.1 += 1;
        self.changed.notify_all();
        while state.1 > state.0 {
            let (next, timeout) = self.changed.wait_timeout(state, PATIENCE).unwrap();
            state = next;
            assert!(!timeout.timed_out(), "the test never opened the gate");
        }
    }
    fn allow(&self, reads: u64) {
        self.state.lock().unwrap().0 += reads;
        self.changed.notify_all();
    }
    /// Waits until the source has been asked for its `reads`-th block.
    fn wait_arrived(&self, reads: u64) {
        let mut state = self.state.lock().unwrap();
        while state.1 < reads {
            let (next, timeout) = self.changed.wait_timeout(state, PATIENCE).unwrap();
            state = next;
            assert!(!timeout.timed_out(), "the player stopped reading at {}", state.1);
        }
    }
}

#[test]
fn the_position_is_what_is_heard_and_pause_resumes_from_there() {
    // 8 kHz: a block is 20 ms = 160 frames; the sink pretends to hold 100 ms (800 frames).
    let mut source = Generated::new(8_000, 1, 60, ramp);
    let gate = Gate::new();
    source.gate = Some(Arc::clone(&gate));
    let sink = NullSink::new(8_000, 1).with_simulated_queue(800);
    let log = sink.log();
    let player = Player::start(source.media(), Box::new(sink));
    player.play();
    gate.allow(20);
    gate.wait_arrived(21);
    // The player is now waiting in its 21st read; it will see the pause after that block.
    player.pause();
    gate.allow(1);
    settle(&player);
    // 21 blocks read (3360 frames), 800 still in the device: 2560 frames heard = 320 ms.
    assert_eq!(log.frames_written(), 3_360);
    assert_eq!(player.status().position_ms, 320);
    assert!(log.flushes() >= 1, "the pause dropped what the device held");
    // Playing again goes on from what was heard, not from what was read.
    log.clear();
    gate.allow(1_000_000);
    player.play();
    settle(&player);
    assert_eq!(frame_of(log.samples()[0]), 2_560);
    assert_eq!(log.frames_written(), 60 * 8_000 - 2_560, "then on to the end");
}

#[test]
fn at_double_speed_the_position_counts_recording_time() {
    // 8 kHz: a block is 160 frames of the recording, about 80 frames of output at 2x.
    let mut source = Generated::new(8_000, 1, 60, sine_8k);
    let gate = Gate::new();
    source.gate = Some(Arc::clone(&gate));
    let sink = NullSink::new(8_000, 1).with_simulated_queue(400);
    let log = sink.log();
    let player = Player::start(source.media(), Box::new(sink));
    player.set_speed(2.0);
    player.seek_ms(10_000);
    player.play();
    gate.allow(50);
    gate.wait_arrived(51);
    player.pause();
    gate.allow(1);
    settle(&player);
    // 51 blocks read (8160 frames of the recording); the device holds 400 output frames, which
    // are 800 frames of the recording; the stretcher holds less than a piece (240 frames).
    let written = log.frames_written();
    assert!((3_840..=4_160).contains(&written), "{written} output frames for 8160 read at 2x");
    let heard_ms = player.status().position_ms;
    let expected_ms = 10_000 + (8_160 - 800) / 8;
    assert!(
        (expected_ms - 40..=expected_ms).contains(&heard_ms),
        "heard {heard_ms} ms, expected about {expected_ms} ms"
    );
    gate.allow(1_000_000);
}

fn sine_8k(frame: u64, _channel: u16) -> f32 {
    (2.0 * std::f64::consts::PI * 220.0 * frame as f64 / 8_000.0).sin() as f32 * 0.5
}

#[test]
fn an_unknown_length_is_learnt_at_the_end() {
    let mut source = Generated::new(8_000, 1, 3, ramp);
    source.length_known = false;
    let (player, log) = player(source);
    assert_eq!(player.status().duration_ms, None);
    player.play();
    settle(&player);
    let status = player.status();
    assert_eq!(status.duration_ms, Some(3_000));
    assert_eq!(status.position_ms, 3_000);
    assert_eq!(log.frames_written(), 24_000);
}

#[test]
fn any_sequence_of_commands_keeps_a_sane_status() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let mut rng = StdRng::seed_from_u64(19);
    let mut source = Generated::new(8_000, 2, 30, sine_8k);
    source.seek_slack = 40;
    let sink = NullSink::new(8_000, 2).with_simulated_queue(1_600);
    let log = sink.log();
    let player = Player::start(source.media(), Box::new(sink));
    for _ in 0..400 {
        match rng.random_range(0..8) {
            0 => player.play(),
            1 => player.pause(),
            2 => player.toggle(),
            3 => player.seek_ms(rng.random_range(0..40_000)),
            4 => {
                let start = rng.random_range(0..35_000);
                player.play_span(start, start + rng.random_range(0..2_000));
            }
            5 => player.set_speed(rng.random_range(0.2..3.0)),
            6 => player.set_volume(rng.random_range(-0.5..1.5)),
            _ => {
                let status = player.status();
                assert!(status.position_ms <= 30_000, "{status:?}");
                assert!((0.5..=2.0).contains(&status.speed), "{status:?}");
                assert!((0.0..=1.0).contains(&status.volume), "{status:?}");
                assert!(status.error.is_none(), "{status:?}");
            }
        }
    }
    player.pause();
    settle(&player);
    let status = player.status();
    assert!(!status.playing && status.error.is_none() && status.position_ms <= 30_000, "{status:?}");
    assert!(log.samples().iter().all(|s| s.is_finite() && s.abs() <= 1.0), "no sample out of range");
}

#[test]
fn dropping_a_playing_player_stops_it() {
    // An hour at 48 kHz: the player is still busy when it is dropped.
    let (player, log) = player(Generated::new(48_000, 2, 3_600, ramp));
    player.play();
    drop(player);
    let written = log.frames_written();
    assert!(written < 3_600 * 48_000, "stopped before the end ({written} frames)");
    assert_eq!(log.frames_written(), written, "nothing written after the drop");
}

#[test]
fn no_sound_server_is_a_message_not_a_panic() {
    // In a child process with the environment pointing nowhere (the environment is shared by
    // all tests of this binary, so it is not changed here).
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "player::open_output_in_an_empty_environment", "--ignored", "--nocapture"])
        .env("PULSE_SERVER", format!("unix:{}", nowhere.join("native").display()))
        .env("PULSE_RUNTIME_PATH", &nowhere)
        .env("XDG_RUNTIME_DIR", &nowhere)
        .env("FIELDCODE_TEST_EMPTY_SOUND_ENV", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the child ran the check: {stdout}");
}

#[test]
#[ignore = "run by no_sound_server_is_a_message_not_a_panic in a child process"]
fn open_output_in_an_empty_environment() {
    if std::env::var_os("FIELDCODE_TEST_EMPTY_SOUND_ENV").is_none() {
        // Run directly (`--include-ignored`): the environment may have a real server.
        return;
    }
    match open_output(48_000, 2) {
        Err(MediaError::NoDevice { reason }) => {
            assert!(reason.contains("no PulseAudio or PipeWire sound server"), "{reason}");
            let shown = MediaError::NoDevice { reason }.to_string();
            assert!(shown.starts_with("no sound device: "), "{shown}");
        }
        Err(other) => panic!("expected NoDevice, got {other}"),
        Ok(_) => panic!("a sound server answered at a path that does not exist"),
    }
}

/// With a sound server (run by hand: `PULSE_SERVER=unix:/path/native cargo test --test
/// integration player::a_real_sound_server -- --ignored`; a `module-null-sink` server is enough):
/// the device paces the player, a span takes its real time, pause and drop are prompt.
#[test]
#[ignore = "needs a PulseAudio or PipeWire server"]
fn a_real_sound_server_paces_playback() {
    use std::time::Instant;
    let source = Generated::new(48_000, 2, 20, |frame, _| {
        (2.0 * std::f64::consts::PI * 300.0 * frame as f64 / 48_000.0).sin() as f32 * 0.2
    });
    let sink = open_output(48_000, 2).expect("a sound server");
    let player = Player::start(source.media(), sink);
    let asked = Instant::now();
    player.play_span(2_000, 3_000);
    // While it plays, the position moves forward through the span and is never ahead of it.
    let mut seen = Vec::new();
    while !player.wait_settled(Duration::from_millis(50)) {
        let status = player.status();
        assert!(status.error.is_none(), "{:?}", status.error);
        if status.playing {
            // (Before the thread has taken the command it still shows the old position.)
            seen.push(status.position_ms);
        }
        assert!(asked.elapsed() < PATIENCE, "the span never ended");
    }
    let took = asked.elapsed();
    let status = player.status();
    assert!(status.error.is_none(), "{:?}", status.error);
    assert_eq!(status.position_ms, 3_000);
    assert!(took >= Duration::from_millis(800), "a 1 s span was over in {took:?}: the device did not pace it");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "the position went back: {seen:?}");
    assert!(seen.iter().all(|&p| (2_000..=3_000).contains(&p)), "{seen:?}");
    eprintln!("1 s span took {took:?}; positions seen: {seen:?}");
    // Pause mid-way is prompt and resumes from what was heard.
    player.play();
    let playing_since = Instant::now();
    while player.status().position_ms < 3_500 {
        assert!(playing_since.elapsed() < PATIENCE, "no progress: {:?}", player.status());
        player.wait_settled(Duration::from_millis(20));
    }
    let asked = Instant::now();
    player.pause();
    assert!(player.wait_settled(Duration::from_secs(2)));
    let paused_in = asked.elapsed();
    let at = player.status().position_ms;
    assert!((3_400..=3_800).contains(&at), "paused at {at}");
    let asked = Instant::now();
    player.play();
    drop(player);
    eprintln!("pause took {paused_in:?}, drop while playing took {:?}", asked.elapsed());
}

/// With a sound server (see above): mono and 5.1 recordings open and play (the server mixes 5.1
/// down, keeping the centre channel where the voice is).
#[test]
#[ignore = "needs a PulseAudio or PipeWire server"]
fn a_real_sound_server_takes_mono_and_surround() {
    for (rate, channels) in [(16_000u32, 1u16), (44_100, 6), (22_050, 12)] {
        let source = Generated::new(rate, channels, 2, |frame, _| (frame % 100) as f32 / 500.0);
        let sink = open_output(rate, channels).unwrap_or_else(|e| panic!("{channels} channels at {rate}: {e}"));
        let player = Player::start(source.media(), sink);
        player.play_span(100, 400);
        assert!(player.wait_settled(PATIENCE));
        let status = player.status();
        assert!(status.error.is_none(), "{channels} channels: {:?}", status.error);
        assert_eq!(status.position_ms, 400);
    }
}

/// With a sound server (see above): several outputs at once (two players, or a new one opened
/// before the old one is dropped) share one connection and each gets its own stream.
#[test]
#[ignore = "needs a PulseAudio or PipeWire server"]
fn a_real_sound_server_takes_several_outputs_at_once() {
    let a = open_output(48_000, 2).expect("first output");
    let b = open_output(44_100, 6).expect("a second output while the first is open");
    let c = open_output(48_000, 2).expect("a third output");
    drop(a);
    let d = open_output(16_000, 1).expect("an output after one was closed");
    drop((b, c, d));
}
