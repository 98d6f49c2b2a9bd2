#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test-slurm.sh — `make test-slurm`: a real single-node Slurm on this machine runs a regression as a job array,
# and its merged result must equal one local regress of the same seeds.
#
# In a temporary directory: a munge key, a slurm.conf for this node (loopback only; no systemd, no cgroups:
# ProctrackType=proctrack/pgid, TaskPlugin=task/none, no accounting), munged, slurmctld and slurmd started in
# the foreground by PID. The job script is `dmacosim regress --emit slurm`'s, submitted with `sbatch --wait`
# (array of SHARDS tasks, one CPU each: 2 at a time on 2 CPUs); each task finds its shard with --shard auto.
# Then `dmacosim merge`, a local `regress` of the same seeds, tests/slurm/compare.py (verdicts, cycles,
# checksums, coverage). The daemons are stopped by PID and the script fails if any process it started is left.
#
#   tests/slurm/test-slurm.sh CLI [COUNT [SHARDS]]      (make test-slurm SLURM_COUNT=40 SLURM_SHARDS=4)
# Environment: KEEP=1 keeps the temporary directory (logs, conf, results).
set -euo pipefail
cli=$(realpath "${1:?usage: test-slurm.sh path/to/build/dmacosim [COUNT [SHARDS]]}")
count=${2:-40}
shards=${3:-4}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/dmacosim-slurm.XXXXXX)
chmod 0755 "$work"
node=dmacosim-node
host=$(hostname -s)
declare -A pid=()
started=$(date +%s)

log() { echo "== test-slurm: $*"; }

# SIGTERM each daemon, wait up to 30 s, then SIGKILL; only the PIDs this script started
stop_daemons() {
  local name
  for name in slurmd slurmctld munged; do
    [ -n "${pid[$name]:-}" ] || continue
    kill -TERM "${pid[$name]}" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "${pid[$name]}" 2>/dev/null; then
      echo "test-slurm: $name (pid ${pid[$name]}) ignored SIGTERM for 30 s: SIGKILL" >&2
      kill -KILL "${pid[$name]}" 2>/dev/null || true
    fi
    wait "${pid[$name]}" 2>/dev/null || true
    unset "pid[$name]"
  done
}

cleanup() {
  local status=$?
  stop_daemons
  if [ "$status" -ne 0 ]; then
    echo "test-slurm: FAILED; logs:" >&2
    for f in "$work"/log/*.log "$work"/run/*.out; do
      [ -f "$f" ] && { echo "--- $f (last 20 lines)" >&2; tail -n 20 "$f" >&2; }
    done
  fi
  if [ "${KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then echo "test-slurm: kept $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS WHAT COMMAND...: poll COMMAND every 0.5 s; fail naming WHAT after SECONDS
wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "test-slurm: $what not ready after $seconds s" >&2
  return 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

mkdir -p "$work"/{munge,state,spool,log,run}
chmod 0700 "$work/munge"

# munge: a fresh key, its own socket; nothing under /etc or /run
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$work/munge/munge.key"
sock=$work/munge/munge.socket
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$sock" --pid-file="$work/munge/munged.pid" \
  --seed-file="$work/munge/munged.seed" --log-file="$work/log/munged.log" > "$work/log/munged.out" 2>&1 &
pid[munged]=$!
wait_for 20 "munged (socket $sock)" sh -c "munge -n -S '$sock' | unmunge -S '$sock'"

cpus=2
ctl_port=$(free_port)
d_port=$(free_port)
while [ "$d_port" = "$ctl_port" ]; do d_port=$(free_port); done
conf=$work/slurm.conf
cat > "$conf" <<EOF
# written by tests/slurm/test-slurm.sh: one node, loopback only, no systemd, no cgroups, no accounting
ClusterName=dmacosim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=$node NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$conf

log "slurm.conf for node $node ($cpus CPUs), slurmctld :$ctl_port, slurmd :$d_port, in $work"
slurmctld -D -c -i -f "$conf" > "$work/log/slurmctld.out" 2>&1 &
pid[slurmctld]=$!
wait_for 30 "slurmctld (pid ${pid[slurmctld]})" scontrol ping
slurmd -D -N "$node" -f "$conf" > "$work/log/slurmd.out" 2>&1 &
pid[slurmd]=$!
wait_for 60 "node $node idle" sh -c "sinfo -h -n $node -o %t | grep -qx idle"
log "daemons up: munged ${pid[munged]}, slurmctld ${pid[slurmctld]}, slurmd ${pid[slurmd]} ($(( $(date +%s) - started )) s)"

# the job script as a user gets it; one CPU per task, so 2 tasks run at a time
"$cli" regress --count "$count" --emit slurm --shards "$shards" --jobs 1 > "$work/run/regress.sbatch"
log "sbatch --wait: $(grep -- '--array' "$work/run/regress.sbatch" | sed 's/#SBATCH //'), regress --count $count, $shards shards"
t0=$(date +%s.%N)
(cd "$work/run" && DMACOSIM="$cli" sbatch --wait --parsable regress.sbatch > "$work/run/jobid")
t1=$(date +%s.%N)
job=$(cut -d';' -f1 < "$work/run/jobid")
scontrol -o show job "$job" > "$work/run/jobs.txt" || true
grep -c 'JobState=COMPLETED' "$work/run/jobs.txt" | grep -qx "$shards" || {
  echo "test-slurm: not every array task of job $job completed:" >&2; cat "$work/run/jobs.txt" >&2; exit 1; }
# Slurm's own timeline (whole seconds) against each shard's regress wall time (its JUnit): tasks at once, makespan,
# and the overhead per shard = CPU-slot seconds of the makespan not spent inside a shard's regress, per shard
python3 - "$work/run/jobs.txt" "$work/run/results" "$cpus" > "$work/run/timeline.txt" <<'PY'
import datetime, re, sys, xml.etree.ElementTree as ET
jobs, results, slots = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = lambda line, name: datetime.datetime.fromisoformat(re.search(name + r"=(\S+)", line).group(1)).timestamp()
tasks = [(int(re.search(r"ArrayTaskId=(\d+)", l).group(1)), t(l, "SubmitTime"), t(l, "StartTime"), t(l, "EndTime")) for l in open(jobs)]
wall = {}
for task, *_ in tasks:
    props = ET.parse(f"{results}/regress-{task}.xml").iter("property")
    wall[task] = next(float(p.get("value")) for p in props if p.get("name") == "wall-seconds")
points = sorted([(s, 1) for _, _, s, _ in tasks] + [(e, -1) for *_, e in tasks])
now = peak = 0
for _, d in points:
    now += d
    peak = max(peak, now)
makespan = max(e for *_, e in tasks) - min(s for _, s, _, _ in tasks)
in_task = sum((e - s) - wall[k] for k, _, s, e in tasks) / len(tasks)
overhead = max(0.0, (makespan * min(slots, len(tasks)) - sum(wall.values())) / len(tasks))
first = min(s for _, _, s, _ in tasks) - min(s for _, s, _, _ in tasks)
print(f"{overhead:.1f} {makespan:.0f} {peak} {sum(wall.values()):.1f} {in_task:.1f} {first:.0f}")
PY
read -r overhead makespan peak walls in_task first < "$work/run/timeline.txt"
log "array job $job: $shards tasks completed, at most $peak at a time; Slurm's makespan $makespan s (first task started $first s after submission), sbatch --wait returned after $(python3 -c "print(f'{$t1 - $t0:.1f}')") s"

stop_daemons
left=$(pgrep -f "$work" || true)
steps=$(pgrep -x slurmstepd || true)
if [ -n "$left$steps" ]; then
  echo "test-slurm: processes left behind after the daemons stopped:" >&2
  ps -o pid,args -p "$(echo $left $steps | tr ' ' ',')" >&2 || true
  exit 1
fi
log "daemons stopped (by PID); no munged, slurmctld, slurmd or slurmstepd left"

"$cli" merge "$work/run/results" --junit "$work/merged.xml" --coverage "$work/merged-cov.json" | grep -E '^(merge|  shard|merged|junit)'
log "local: regress --count $count --jobs $cpus"
t2=$(date +%s.%N)
"$cli" regress --count "$count" --jobs "$cpus" --junit "$work/local.xml" --coverage "$work/local-cov.json" > "$work/log/local.log" 2>&1
t3=$(date +%s.%N)

log "local: $(python3 -c "print(f'{$t3 - $t2:.1f}')") s for $count seeds; Slurm: makespan $makespan s, the shards' own regress time $walls s in all;"
log "  overhead per shard $overhead s (slot seconds outside regress / shards), of which $in_task s inside the task (process and .NET start-up, JUnit)"
python3 "$here/compare.py" "$work/local.xml" "$work/merged.xml" --coverage "$work/local-cov.json" "$work/merged-cov.json" \
  --project "${PROJECT:-100000}" --slots "$cpus" --overhead "$overhead"
log "PASS: the merged Slurm result equals the local one ($(( $(date +%s) - started )) s)"
