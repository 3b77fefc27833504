#!/bin/sh
# The periodic commands the timers in deploy/systemd run (duikou-sweep@NAME.timer).
set -eu
DUIKOU=/opt/duikou/.venv/bin/duikou
case "${1:?which command}" in
  tasks_sweep)   exec "$DUIKOU" tasks_sweep ;;
  notices_sweep) exec "$DUIKOU" notices_sweep ;;
  clearsessions) exec "$DUIKOU" clearsessions ;;
  prune)         exec "$DUIKOU" prune_db_task_results --min-age-days 30 ;;
  backup)
    # One archive a night, 14 kept; the keys are NOT in it (docs/deploy.md: keep them apart).
    out=/var/backups/duikou
    "$DUIKOU" backup -o "$out/duikou-$(date +%Y%m%d-%H%M).tar.gz"
    ls -1t "$out"/duikou-*.tar.gz | tail -n +15 | xargs -r rm -f
    ;;
  *) echo "unknown periodic command: $1" >&2; exit 2 ;;
esac
