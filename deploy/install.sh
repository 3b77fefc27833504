#!/bin/sh
# First installation (or an upgrade) on one machine, as root, from a checkout in /opt/duikou.
# Idempotent: run it again after `git pull` to upgrade. docs/deploy.md explains each step.
set -eu
cd /opt/duikou
id duikou >/dev/null 2>&1 || useradd --system --home /var/lib/duikou --shell /usr/sbin/nologin duikou
install -d -o duikou -g duikou -m 0700 /var/lib/duikou /var/backups/duikou
install -d -m 0750 -g duikou /etc/duikou
[ -f /etc/duikou/duikou.env ] || install -m 0640 -g duikou deploy/duikou.env.example /etc/duikou/duikou.env
[ -d .venv ] || python3.11 -m venv .venv
.venv/bin/pip install --quiet .
run() { runuser -u duikou -- env $(grep -v '^#' /etc/duikou/duikou.env | xargs) .venv/bin/duikou "$@"; }
run check --deploy
run migrate --noinput        # also makes the shared cache table (duikou_cache)
run collectstatic --noinput
install -m 0644 deploy/systemd/*.service deploy/systemd/*.timer /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now duikou-web duikou-worker@1 duikou-worker@2
systemctl enable --now duikou-sweep@tasks_sweep.timer duikou-sweep@notices_sweep.timer \
    duikou-sweep@clearsessions.timer duikou-sweep@backup.timer duikou-sweep@prune.timer
systemctl reload duikou-web 2>/dev/null || true
curl -fsS http://127.0.0.1:8000/healthz -H "Host: $(grep ^DUIKOU_ALLOWED_HOSTS /etc/duikou/duikou.env | cut -d= -f2 | cut -d, -f1)" && echo
