#!/usr/bin/env bash
# Brings up a single-node Slurm cluster on this machine (munge, slurmctld, slurmd, as
# root), submits a ccsim sweep as a 4-task job array, merges the parts, and checks that
# the merge is byte-identical to the unsharded sweep. Cleans up after itself, whatever
# happens. Needs root; installs Debian's slurm-wlm and munge when absent.
#
#   bash deploy/slurm/test-cluster.sh [path/to/ccsim]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ccsim=$(realpath "${1:-$repo/target/release/ccsim}")
node=$(hostname -s)
work=""
started_munged=""

cleanup() {
  set +e
  if [ -n "${SLURM_CONF:-}" ]; then
    scancel --quiet --full --user=root >/dev/null 2>&1
    scontrol shutdown >/dev/null 2>&1
  fi
  for pid in "$work/slurmctld.pid" "$work/slurmd.pid"; do
    [ -n "$work" ] && [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
  done
  if [ -n "$started_munged" ] && [ -f /run/munge/munged.pid.ccsim ]; then
    kill "$(cat /run/munge/munged.pid.ccsim)" 2>/dev/null
    rm -f /run/munge/munged.pid.ccsim
  fi
  sleep 2
  [ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
work=$(mktemp -d /tmp/ccsim-slurm.XXXXXX)
conf=$work/slurm.conf

# munged runs as the munge user, with its files owned by it.
mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
[ -f /etc/munge/munge.key ] || mungekey --create >/dev/null 2>&1 || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0600 /etc/munge/munge.key
if ! pgrep -u munge munged >/dev/null; then
  rm -f /run/munge/munged.pid.ccsim
  su -s /bin/sh munge -c "munged --pid-file=/run/munge/munged.pid.ccsim"
  started_munged=1
fi

mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
mkdir -p "$work/state" "$work/spool"
cat > "$conf" <<CONF
ClusterName=ccsim-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
slurmctld -f "$conf"
slurmd -f "$conf"
ready=""
for _ in $(seq 1 30); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  case "$state" in
    idle|mixed|allocated) ready=1; break ;;
    *drain*|*down*) scontrol update nodename="$node" state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
sinfo || true
if [ -z "$ready" ]; then
  echo "slurm: the node did not become idle within 30 s" >&2
  tail -n 30 "$work/slurmctld.log" "$work/slurmd.log" >&2 || true
  exit 1
fi

# A sweep of 4 variants × 8 replications, sharded as a 4-task array.
scenario=$repo/scenarios/single-queue.toml
axes=(--set agents.team.staff=+0,+1 --set channel.phone.service_level.within=20s,30s --replications 8)
if ! CCSIM=$ccsim timeout 240 sbatch --wait --array=0-3 --chdir="$work" --output="$work/task-%a.log" \
  "$here/sweep.sbatch" 4 "$scenario" "$work/parts" "${axes[@]}"; then
  echo "slurm: the job array failed" >&2
  tail -n 20 "$work"/task-*.log "$work/slurmd.log" >&2 || true
  exit 1
fi
# A task that failed is run again on its own: its part comes out the same.
cp "$work/parts/part-2.json" "$work/part-2.first"
rm "$work/parts/part-2.json"
if ! CCSIM=$ccsim timeout 120 sbatch --wait --array=2 --chdir="$work" --output="$work/rerun-%a.log" \
  "$here/sweep.sbatch" 4 "$scenario" "$work/parts" "${axes[@]}"; then
  echo "slurm: re-running task 2 failed" >&2
  tail -n 20 "$work"/rerun-*.log >&2 || true
  exit 1
fi
if ! cmp -s "$work/parts/part-2.json" "$work/part-2.first"; then
  echo "slurm: task 2 run again wrote another part" >&2
  exit 1
fi
"$ccsim" merge "$work"/parts/part-*.json --format json > "$work/merged.json"
"$ccsim" sweep "$scenario" "${axes[@]}" --quiet --format json > "$work/whole.json"
if cmp -s "$work/merged.json" "$work/whole.json"; then
  echo "slurm: 4 shards (one run again on its own) merged byte-identical to the unsharded sweep ($(wc -c < "$work/whole.json") bytes)"
else
  echo "slurm: merged output differs from the unsharded sweep" >&2
  cat "$work"/task-*.log >&2 || true
  exit 1
fi
