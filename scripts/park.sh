#!/usr/bin/env bash
# Parks the unfinished experiment runs of this work tree so that a fresh checkout can resume them: stops every
# running `npm run experiment` (and the reproduce.sh lanes driving them) after its next checkpoint, then stages each
# unfinished run — config, curves, status and its git-ignored `resume/` checkpoint (weights, optimiser state, and for
# PPI its data set: 1–2 MB a run) — for a commit. For sessions whose work tree is not kept (README "Running
# experiments"); on a machine of your own, `--resume` alone continues where you stopped.
#
#   bash scripts/park.sh            # stop after the next checkpoint (waits up to 10 minutes), stage; then commit
#   bash scripts/park.sh --now      # stop at once (SIGKILL), stage the last checkpoint: the unit under way is lost
#   bash scripts/park.sh --no-stop  # only stage what is already checkpointed
#
# --now is for a session that ends before the unit under way does (a PPI phase at `long` runs 20-30 minutes): a run
# killed at any moment resumes from its last checkpoint to the uninterrupted result (test/experiments/checkpoint-faults).
# Only this work tree's processes are stopped (their working directory is this project), not another checkout's.
# A later `git add -A` after the run has finished stages the removal of its checkpoint.
set -uo pipefail
cd "$(dirname "$0")/.."
project=$(pwd -P)
mode=stop
for arg in "$@"; do
  case "$arg" in
    --no-stop) mode=none ;;
    --now) mode=now ;;
    *) echo "park.sh: unknown option $arg (allowed: --now, --no-stop)" >&2; exit 2 ;;
  esac
done

# The processes matching a pattern that run in this project (their working directory is it).
ours() {
  local pid
  for pid in $(pgrep -f "$1" 2>/dev/null); do
    [ "$pid" = "$$" ] && continue
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$project" ] && echo "$pid"
  done
}
signal() { # signal pattern
  local pids
  pids=$(ours "$2")
  [ -n "$pids" ] && kill "-$1" $pids 2>/dev/null
  return 0
}

if [ "$mode" != none ]; then
  # The lanes first (they trap the signal and start no further run), then the experiment CLIs, which forward TERM
  # to their per-seed children: each checkpoints and exits. With --now the CLIs and seeds are killed outright.
  signal TERM 'scripts/reproduce.sh'
  if [ "$mode" = now ]; then signal KILL 'src/bin/cli.ts'; else signal TERM 'src/bin/cli.ts'; fi
  for _ in $(seq 1 600); do
    [ -z "$(ours 'src/bin/cli.ts')" ] && break
    sleep 1
  done
  if [ -n "$(ours 'src/bin/cli.ts')" ]; then
    echo "park.sh: experiment processes still running after 10 minutes; not staging (a unit longer than that: --now stops at once and parks the last checkpoint)" >&2
    exit 1
  fi
fi

parked=0
while IFS= read -r status; do
  dir=$(dirname "$status")
  grep -q '"state": *"running"' "$status" || continue
  # resume/checkpoint.json commits a checkpoint (resume/state.json: one written before generations, still resumable).
  if [ ! -f "$dir/resume/checkpoint.json" ] && [ ! -f "$dir/resume/state.json" ]; then
    echo "park.sh: $dir has no checkpoint yet (it restarts from the beginning)" >&2
    continue
  fi
  git add -f -- "$dir/config.json" "$dir/status.json" "$dir/train.csv" "$dir/resume"
  for table in episode.csv timing.csv; do [ -f "$dir/$table" ] && git add -f -- "$dir/$table"; done
  echo "park.sh: staged $dir ($(du -sh "$dir/resume" | cut -f1) checkpoint, $(grep -o '"unitsDone": *[0-9]*' "$status" | grep -o '[0-9]*$') units done)"
  parked=$((parked + 1))
done < <(find data -name status.json -not -path '*/resume/*' -not -path 'data/scratch/*' 2>/dev/null | sort)
echo "park.sh: $parked unfinished run(s) staged; commit them (git commit) before the session ends"
