#!/usr/bin/env bash
# Parks the unfinished experiment runs of this work tree so that a fresh checkout can resume them: stops every
# running `npm run experiment` (and the reproduce.sh lanes driving them) after its next checkpoint, then stages each
# unfinished run — config, curves, status and its git-ignored `resume/` checkpoint (weights, optimiser state, and for
# PPI its data set: 1–2 MB a run) — for a commit. For sessions whose work tree is not kept (README "Running
# experiments"); on a machine of your own, `--resume` alone continues where you stopped.
#
#   bash scripts/park.sh            # stop, wait, stage; then commit
#   bash scripts/park.sh --no-stop  # only stage what is already checkpointed
#
# A later `git add -A` after the run has finished stages the removal of its checkpoint.
set -uo pipefail
cd "$(dirname "$0")/.."
stop=1
for arg in "$@"; do
  case "$arg" in
    --no-stop) stop=0 ;;
    *) echo "park.sh: unknown option $arg (allowed: --no-stop)" >&2; exit 2 ;;
  esac
done

if [ "$stop" = 1 ]; then
  # The lanes first (they trap the signal and start no further run), then the experiment CLIs, which forward it to
  # their per-seed children: each checkpoints and exits.
  pkill -TERM -f 'scripts/reproduce.sh' 2>/dev/null
  pkill -TERM -f 'src/bin/cli.ts' 2>/dev/null
  for _ in $(seq 1 600); do
    pgrep -f 'src/bin/cli.ts' >/dev/null || break
    sleep 1
  done
  if pgrep -f 'src/bin/cli.ts' >/dev/null; then echo "park.sh: experiment processes still running after 10 minutes; not staging" >&2; exit 1; fi
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
