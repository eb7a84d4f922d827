#!/usr/bin/env bash
# Issue #8's whole reproduction as one resumable job: every experiment of the paper for one learner, seed by seed
# (all experiments of seed 0 first, so an interrupted campaign still covers every claim), at one process per call.
# Run one lane per core, e.g. on this 2-core machine:
#
#   nohup bash scripts/reproduce.sh a2c 0-4 > logs/reproduce-a2c.log 2>&1 &
#   nohup bash scripts/reproduce.sh ppi 0-4 > logs/reproduce-ppi.log 2>&1 &
#
# `--preset long` runs the long scale instead (README "Results"); there one lane uses both cores (ICL_THREADS=2 is
# the CLI's choice for a lone seed), so run one lane at a time:
#
#   nohup bash scripts/reproduce.sh a2c 0-2 --preset long > logs/reproduce-a2c-long.log 2>&1 &
#
# Finished runs are skipped and interrupted ones resume from their last checkpoint (`--resume`), so the same two
# commands continue the campaign later. A PPI run whose preset grew since it ran (more phases) is lengthened to it
# (`--extend`: the phases done stay, the new ones are what the longer run computes); any other change is refused.
# The checkpoints (`resume/`) are git-ignored: they survive only where the work tree is kept. Where it is not (a
# fresh checkout per session), pass a time limit so that no run is started that would be cut off, e.g.
# `--until 07:35` (UTC; the estimate comes from the finished seeds of the same run). Extra
# arguments go to every `npm run experiment` call (e.g. `--preset smoke`, `--until TIME`). `--only LIST` runs a subset
# of the experiments (comma-separated, in the order above), so that two lanes can share one learner's campaign
# without both reaching for the same run:
#
#   nohup bash scripts/reproduce.sh ppi 0-2 --preset long --only mixed,mixed-no-tabular,mixed-opponent-id > logs/a.log 2>&1 &
#   nohup bash scripts/reproduce.sh ppi 0-2 --preset long --only step1,step2,step3 > logs/b.log 2>&1 &
#
# Afterwards: `npm run reproduction` rewrites REPRODUCTION.md's tables.
set -uo pipefail
# The body is one block, read whole before it runs: bash reads a script as it goes, so editing this file (or a
# checkout) while a lane runs would otherwise change what the lane does next, mid-campaign.
{
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: bash scripts/reproduce.sh a2c|ppi SEEDS [experiment options...]   (SEEDS like 0-4 or 0,2,5)" >&2
  exit 2
fi
algo="$1"; seeds="$2"; shift 2
# --preset P (default reduced) is taken here; every other argument goes to each `npm run experiment` call.
preset=reduced
only=
rest=()
while [ $# -gt 0 ]; do
  if [ "$1" = --preset ]; then
    [ $# -ge 2 ] || { echo "reproduce.sh: --preset needs a value (paper, long, reduced, smoke)" >&2; exit 2; }
    preset="$2"; shift 2
  elif [ "$1" = --only ]; then
    [ $# -ge 2 ] || { echo "reproduce.sh: --only needs a comma-separated list of experiments" >&2; exit 2; }
    only="$2"; shift 2
  else rest+=("$1"); shift; fi
done
case "$preset" in paper|long|reduced|smoke) ;; *) echo "reproduce.sh: unknown preset '$preset' (paper, long, reduced, smoke)" >&2; exit 2 ;; esac
set -- "${rest[@]+"${rest[@]}"}"
case "$algo" in a2c|ppi) ;; *) echo "reproduce.sh: learner must be a2c or ppi, got '$algo'" >&2; exit 2 ;; esac
expand() { # 0-4 → 0 1 2 3 4; 0,2,5 → 0 2 5
  local part out=()
  IFS=, read -ra parts <<< "$1"
  for part in "${parts[@]}"; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then out+=($(seq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"));
    elif [[ "$part" =~ ^[0-9]+$ ]]; then out+=("$part");
    else echo "reproduce.sh: bad seed list '$1'" >&2; exit 2; fi
  done
  echo "${out[@]}"
}
seed_list=$(expand "$seeds") || exit 2
# Fig. 1 first (the main result), then the mechanism steps; Step 2 needs Step 1 of the same seed and Step 3 needs
# Step 2 (the runner would run them first anyway).
experiments=(step1 mixed mixed-no-tabular mixed-opponent-id step2 step3)
# Below `long` two lanes share the machine, one core each; at `long` one lane takes both (unless ICL_THREADS says).
[ "$preset" != long ] && export ICL_THREADS="${ICL_THREADS:-1}"
# At `long` the headline comes first: Fig. 1's mixed pool and both ablations, then the mechanism chain.
[ "$preset" = long ] && experiments=(mixed mixed-no-tabular mixed-opponent-id step1 step2 step3)
if [ -n "$only" ]; then
  IFS=, read -ra wanted <<< "$only"
  for w in "${wanted[@]}"; do
    [[ " ${experiments[*]} " == *" $w "* ]] || { echo "reproduce.sh: --only: unknown experiment '$w' (${experiments[*]})" >&2; exit 2; }
  done
  kept=()
  for e in "${experiments[@]}"; do [[ ",$only," == *",$e,"* ]] && kept+=("$e"); done
  experiments=("${kept[@]}")
fi
stopped=0
trap 'stopped=1' INT TERM
failed=()
later=()
for seed in $seed_list; do
  for e in "${experiments[@]}"; do
    [ "$stopped" = 1 ] && { echo "reproduce.sh: stopped"; exit 130; }
    echo "=== $(date -u +%FT%TZ) $e --algo $algo --seeds $seed"
    npm run -s experiment -- "$e" --algo "$algo" --preset "$preset" --seeds "$seed" --resume --extend --jobs 1 "$@"
    case $? in
      0) ;;
      3) later+=("$e/$seed") ;; # --until left no time for it
      *) failed+=("$e/$seed") ;;
    esac
  done
done
# a signal during the last run stops that run after a checkpoint: say so, not "done"
[ "$stopped" = 1 ] && { echo "reproduce.sh: stopped"; exit 130; }
if [ ${#failed[@]} -gt 0 ]; then echo "reproduce.sh: failed: ${failed[*]}" >&2; exit 1; fi
if [ ${#later[@]} -gt 0 ]; then echo "reproduce.sh: not started before --until (run the same command again): ${later[*]}"; exit 0; fi
echo "reproduce.sh: all runs of $algo seeds $seeds ($preset${only:+, only $only}) done"
exit 0
}
