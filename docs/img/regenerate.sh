#!/usr/bin/env bash
# Regenerates the charts shown in the README from the example scenarios:
#
#   cargo build --release && bash docs/img/regenerate.sh [path/to/ccsim]
#
# The omnichannel week (scenarios/omnichannel.toml): the phone line's service level,
# volume against agents and week heat map; the retail day (scenarios/retail-day.toml): a
# sweep of added agents, the staffing plans of three targets and the coverage of its
# roster of shifts; and, when Debian's
# chromium is installed, a screenshot of the week's HTML report.
set -euo pipefail
cd "$(dirname "$0")/../.."
ccsim=${1:-target/release/ccsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ccsim" run scenarios/omnichannel.toml --charts "$tmp/week" --report "$tmp/week.html" >/dev/null
for c in phone-service-level phone-volume-agents phone-week chat-wait-distribution email-backlog; do
  cp "$tmp/week/$c.png" docs/img/
done
"$ccsim" sweep scenarios/retail-day.toml --set 'agents.phone team.staff=+0,+1,+2,+3,+4' -q \
  --charts "$tmp/sweep" >/dev/null
cp "$tmp/sweep/sweep.png" docs/img/retail-day-sweep.png
"$ccsim" staff scenarios/retail-day.toml --target 80/20s --target 90/20s --target 80/60s -q \
  --charts "$tmp/staff" >/dev/null
cp "$tmp/staff/staffing.png" docs/img/retail-day-staffing.png
"$ccsim" schedule scenarios/retail-day.toml -q --charts "$tmp/schedule" >/dev/null
cp "$tmp/schedule/coverage.png" docs/img/coverage.png
if command -v chromium >/dev/null 2>&1; then
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,1700 \
    --screenshot="$PWD/docs/img/report.png" "file://$tmp/week.html" 2>/dev/null
fi
ls -l docs/img/*.png
