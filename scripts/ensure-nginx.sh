#!/usr/bin/env bash
# The upgrade drill (tests/release/test_upgrade_drill.py) runs Debian's nginx in front of two
# releases: install it when it is missing. The test starts its own nginx on a free port; the
# package's own service is not started.
set -euo pipefail
if [[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null 2>&1; then
  exit 0
fi
echo "installing nginx-light (Debian) for the upgrade drill"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q nginx-light >/dev/null 2>&1 || {
  apt-get update -q >/dev/null
  apt-get install -y -q nginx-light >/dev/null
}
# Debian's package may start its service on port 80; the drill does not need it.
if command -v service >/dev/null 2>&1; then service nginx stop >/dev/null 2>&1 || true; fi
