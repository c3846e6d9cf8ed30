#!/usr/bin/env bash
# Regenerates the README's screen pictures with `mesos-panel render`, from the fixtures in test/fixtures/mesos.
# Run after `npm run build`; the pictures are committed, so CI does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."
F=test/fixtures/mesos
OUT=docs/screens
CLI="node dist/src/cli.js"
DCOS=$F/master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json
REAL=$F/real-1.12.0/master-state-task-running.json
HUAWEI=$F/master-state__v1.1.0_2agents_custom-executor-uri__huawei-cloudfederation-common.json
mkdir -p "$OUT"
for size in 128x64 128x32 20x4 16x2 128x128; do
  scale=3; case $size in 128x32) scale=3;; 20x4|16x2) scale=2;; 128x128) scale=2;; esac
  $CLI render --state-file "$DCOS" --screen overview --size $size --scale $scale --png "$OUT/overview-$size.png"
  $CLI render --state-file "$HUAWEI" --screen agents --size $size --scale $scale --png "$OUT/agents-$size.png"
  $CLI render --state-file "$DCOS" --screen frameworks --size $size --scale $scale --png "$OUT/frameworks-$size.png"
  $CLI render --state-file "$REAL" --screen host --size $size --scale $scale --png "$OUT/host-$size.png"
  $CLI render --master http://127.0.0.1:9 --screen unreachable --size $size --scale $scale --png "$OUT/unreachable-$size.png"
  $CLI render --state-file "$REAL" --screen boot --size $size --scale $scale --png "$OUT/boot-$size.png"
done

# The overview with its chart of the last hour, which needs an hour of snapshots: a simulated cluster's hour.
node dist/scripts/render-hour.js "$OUT"

# The newer controllers, through their real drivers onto their emulated glass (the PNG is what the glass shows).
$CLI render --state-file "$DCOS" --screen overview --display ssd1309 --size 128x64 --scale 2 --png "$OUT/glass-ssd1309-128x64.png"
$CLI render --state-file "$DCOS" --screen overview --display sh1107 --size 128x128 --png "$OUT/glass-sh1107-128x128.png"

# The π screen comes from the real daemon, live: a simulated cluster, the daemon running a job with display.kind
# "png" and only the pi screen enabled, and the frame it is showing after a while, at the scale of the others.
$CLI sim-master --port 15050 --agents 3 >/dev/null &
SIM=$!
trap 'kill $SIM 2>/dev/null' EXIT
STATE=$(mktemp -d)
for size in 128x64 128x32 20x4 16x2 128x128; do
  scale=3; case $size in 20x4|16x2|128x128) scale=2;; esac
  rm -rf "$STATE"/*
  cat > "$STATE/config.json" <<JSON
{"masters": ["http://127.0.0.1:15050"], "pollIntervalMs": 1000, "stateDir": "$STATE",
 "display": {"kind": "png", "size": "$size", "pngFile": "$STATE/panel.png"}, "button": {"backend": "none"},
 "screens": {"enabled": ["pi"], "autoCycleSeconds": 0}, "http": {"bind": "127.0.0.1", "port": 0, "advertiseHost": "127.0.0.1"},
 "pi": {"terms": 1000000000000, "autoStart": true, "nodePath": "$(command -v node)", "user": "$(id -un)"}}
JSON
  $CLI run --config "$STATE/config.json" --scale $scale >/dev/null 2>&1 &
  DAEMON=$!
  sleep 20
  # Taken while the daemon runs: on SIGTERM it blanks the display, and the png display writes that too.
  cp "$STATE/panel.png" "$OUT/pi-$size.png"
  kill -TERM $DAEMON; wait $DAEMON || true
done
rm -rf "$STATE"
ls -1 "$OUT"
