#!/usr/bin/env bash
# Runs the real workbench under Xvfb on the demo study and saves PNGs of its main views into
# assets/screenshots/. Needs: xvfb imagemagick (and the runtime GL/X libraries in the README).
#   scripts/screenshots.sh              # builds target/release/fieldcode (with the GUI) first
#   FIELDCODE_BIN=target/debug/fieldcode scripts/screenshots.sh
#   SHOTS="analysis" scripts/screenshots.sh   # only the named shots
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${FIELDCODE_BIN:-$root/target/release/fieldcode}"
out="$root/assets/screenshots"
for tool in Xvfb import; do
    command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is missing (apt-get install -y xvfb imagemagick)" >&2; exit 1; }
done
if [[ -z "${FIELDCODE_BIN:-}" ]]; then
    # Always (re)build: a release binary left by `cargo bench --no-default-features` has no GUI.
    (cd "$root" && cargo build --release)
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

work="$(mktemp -d)"
xvfb_pid=""
cleanup() {
    [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1366x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1

"$bin" demo "$work/demo.fieldcode" --no-gui >/dev/null
mkdir -p "$out" "$work/home"

# shot NAME WAIT_SECONDS [ENV=VALUE...] [CLICK="X Y"] [SIZE=WxH] -- ARGS...: starts the app, waits,
# opens the window at WxH when given, clicks at X Y when given (needs xdotool), grabs the screen
# (cropped to the window).
shot() {
    local name="$1" wait="$2"
    shift 2
    if [[ -n "${SHOTS:-}" && " $SHOTS " != *" $name "* ]]; then return; fi
    local envs=() click="" size=""
    while [[ $# -gt 0 && "$1" != "--" ]]; do
        case "$1" in CLICK=*) click="${1#CLICK=}" ;; SIZE=*) size="${1#SIZE=}" ;; *) envs+=("$1") ;; esac
        shift
    done
    shift
    [[ -n "$size" ]] && envs+=("FIELDCODE_WINDOW_SIZE=$size")
    (cd "$work" && env HOME="$work/home" DISPLAY="$display" "${envs[@]}" "$bin" "$@" >"$work/$name.log" 2>&1) &
    local app=$!
    sleep "$wait"
    local crop=(-crop "1280x800+0+0")
    if [[ -n "$size" ]]; then
        crop=(-crop "$size+0+0")
    fi
    if [[ -n "$click" ]] && command -v xdotool >/dev/null; then
        DISPLAY="$display" xdotool mousemove $click click 1
        sleep 2
    fi
    DISPLAY="$display" import -window root "${crop[@]}" "$out/$name.png"
    if [[ -n "$click" ]]; then
        # Park the pointer in a corner so later shots show no hover tooltip.
        DISPLAY="$display" xdotool mousemove 1279 799
    fi
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    echo "saved assets/screenshots/$name.png"
}

shot welcome 4 --
shot focus-group 6 FIELDCODE_OPEN_DOCUMENT=FG1-northfield -- "$work/demo.fieldcode"
shot interview 6 FIELDCODE_OPEN_DOCUMENT=INT02-LW05 FIELDCODE_SHOW_CODE="${SHOT_CODE:-}" -- "$work/demo.fieldcode"
shot field-note-dark 6 FIELDCODE_OPEN_DOCUMENT=FN03-client-home FIELDCODE_THEME=dark -- "$work/demo.fieldcode"
shot laptop-1366 6 SIZE=1366x768 FIELDCODE_OPEN_DOCUMENT=INT01-LW02 -- "$work/demo.fieldcode"
shot laptop-1024 6 SIZE=1024x700 FIELDCODE_OPEN_DOCUMENT=FN02-gp-surgery -- "$work/demo.fieldcode"
shot shortcuts 5 FIELDCODE_START_WINDOW=shortcuts -- "$work/demo.fieldcode"
shot analysis 8 FIELDCODE_START_WINDOW=analysis:provider -- "$work/demo.fieldcode"
shot compare 8 FIELDCODE_START_WINDOW=compare:rosa,sam CLICK="1000 340" -- "$work/demo.fieldcode"
shot describe 6 FIELDCODE_SHOW_CODE="Working in liminal spaces/Doors and badges" FIELDCODE_START_WINDOW=describe -- "$work/demo.fieldcode"
shot split 6 FIELDCODE_SHOW_CODE="Working in liminal spaces/Doors and badges" FIELDCODE_START_WINDOW=split -- "$work/demo.fieldcode"
shot memos 6 FIELDCODE_OPEN_DOCUMENT=FN01-provider-office FIELDCODE_SHOW_CODE="Working in liminal spaces/Doors and badges" FIELDCODE_START_WINDOW=memos -- "$work/demo.fieldcode"
shot search 7 FIELDCODE_START_WINDOW="search:waiting list" -- "$work/demo.fieldcode"
shot history 6 FIELDCODE_START_WINDOW="history:initial codebook" -- "$work/demo.fieldcode"
shot sheet 6 FIELDCODE_START_WINDOW=sheet -- "$work/demo.fieldcode"
shot segments 7 FIELDCODE_SHOW_CODE="Relationships with primary care/Reception as gatekeepers" -- "$work/demo.fieldcode"
shot export 6 FIELDCODE_START_WINDOW=export -- "$work/demo.fieldcode"
shot review 6 FIELDCODE_START_WINDOW=review -- "$work/demo.fieldcode"
shot edit-mode 6 FIELDCODE_OPEN_DOCUMENT=INT01-LW02 FIELDCODE_START_WINDOW=edit -- "$work/demo.fieldcode"
shot replace 7 FIELDCODE_START_WINDOW="replace:waiting list" -- "$work/demo.fieldcode"
# The player bar: a click on a turn's time plays from there (with a PulseAudio server running;
# without one the bar says "No sound device").
shot player 6 FIELDCODE_OPEN_DOCUMENT=INT01-LW02 CLICK="412 329" -- "$work/demo.fieldcode"
