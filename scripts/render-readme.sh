#!/usr/bin/env bash
# Regenerates the README's screen pictures with `mesos-panel render`, from the fixtures in ../shared.
# Run after `npm run build`; the pictures are committed, so CI does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."
F=../shared/fixtures/mesos
OUT=docs/screens
CLI="node dist/src/cli.js"
DCOS=$F/master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json
REAL=$F/real-1.12.0/master-state-task-running.json
HUAWEI=$F/master-state__v1.1.0_2agents_custom-executor-uri__huawei-cloudfederation-common.json
mkdir -p "$OUT"
for size in 128x64 128x32 20x4 16x2; do
  scale=3; case $size in 128x32) scale=3;; 20x4|16x2) scale=2;; esac
  $CLI render --state-file "$DCOS" --screen overview --size $size --scale $scale --png "$OUT/overview-$size.png"
  $CLI render --state-file "$HUAWEI" --screen agents --size $size --scale $scale --png "$OUT/agents-$size.png"
  $CLI render --state-file "$DCOS" --screen frameworks --size $size --scale $scale --png "$OUT/frameworks-$size.png"
  $CLI render --state-file "$REAL" --screen host --size $size --scale $scale --png "$OUT/host-$size.png"
  $CLI render --master http://127.0.0.1:9 --screen unreachable --size $size --scale $scale --png "$OUT/unreachable-$size.png"
  $CLI render --state-file "$REAL" --screen boot --size $size --scale $scale --png "$OUT/boot-$size.png"
  if [ -f "${PI_LEDGER:-}" ]; then
    $CLI render --state-file "$REAL" --ledger "$PI_LEDGER" --screen pi --size $size --scale $scale --png "$OUT/pi-$size.png"
  fi
done
ls -1 "$OUT"
