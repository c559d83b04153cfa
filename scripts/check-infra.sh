#!/usr/bin/env bash
# `make test-infra`: check the container image and the Terraform without AWS or Docker.
#   1. parse every .tf file with python-hcl2 and check key properties (pytest tests/infra)
#   2. checkov on infrastructure/ and the Dockerfile: no failed check allowed
#   3. terraform fmt -check, when a terraform binary is installed (skipped with a notice if not)
#   4. hadolint on the Dockerfile
# checkov and hadolint live in their own virtualenv, .venv-infra, built from requirements/infra.txt
# (checkov's dependencies conflict with the app's).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
INFRA_VENV=.venv-infra
STAMP="$INFRA_VENV/.installed-$(sha256sum requirements/infra.txt | cut -c1-16)"
failures=()

step() { printf '\n==> %s\n' "$*"; }

if [[ ! -f "$STAMP" ]]; then
  step "installing checkov and hadolint into $INFRA_VENV (requirements/infra.txt)"
  rm -rf "$INFRA_VENV"
  "$PYTHON" -m venv "$INFRA_VENV"
  "$INFRA_VENV/bin/python" -m pip install -q --upgrade pip
  "$INFRA_VENV/bin/python" -m pip install -q --require-virtualenv -r requirements/infra.txt
  touch "$STAMP"
fi

step "python-hcl2: parse every .tf file and check the infrastructure's key properties"
if ! .venv/bin/pytest tests/infra -q -p no:cacheprovider; then
  failures+=("tests/infra")
fi

step "checkov: infrastructure/ (Terraform)"
# --skip-download: no policy or guideline downloads (only package registries are reachable).
export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
if ! "$INFRA_VENV/bin/checkov" --directory infrastructure --framework terraform \
  --quiet --compact --skip-download; then
  failures+=("checkov terraform")
fi

step "checkov: Dockerfile"
if ! "$INFRA_VENV/bin/checkov" --file Dockerfile --framework dockerfile \
  --quiet --compact --skip-download; then
  failures+=("checkov dockerfile")
fi

step "terraform fmt -check -recursive infrastructure"
if command -v terraform >/dev/null 2>&1; then
  # An empty CLI configuration: fmt needs none, and this keeps a missing ~/.terraformrc quiet.
  TF_CLI_CONFIG_FILE=$(mktemp)
  export TF_CLI_CONFIG_FILE
  if terraform fmt -check -recursive -diff infrastructure; then
    echo "terraform fmt: all files formatted ($(terraform version | head -n1))"
  else
    failures+=("terraform fmt")
  fi
  rm -f "$TF_CLI_CONFIG_FILE"
else
  echo "SKIPPED: terraform fmt -check, because no 'terraform' binary is installed on this machine"
  echo "         (it cannot be downloaded here; install it to run this check)."
fi

step "hadolint: Dockerfile"
HADOLINT="$INFRA_VENV/bin/hadolint"
"$HADOLINT" --version
# Prove the linter really lints before trusting its silence: a known-bad Dockerfile must fail.
if printf 'FROM debian\nRUN apt-get install curl\n' | "$HADOLINT" --no-color - >/dev/null 2>&1; then
  echo "hadolint accepted a known-bad Dockerfile: the linter is not working"
  failures+=("hadolint self-test")
fi
if "$HADOLINT" --failure-threshold info Dockerfile; then
  echo "hadolint: Dockerfile clean"
else
  failures+=("hadolint")
fi

echo
if ((${#failures[@]})); then
  echo "infra checks FAILED: ${failures[*]}"
  exit 1
fi
echo "infra checks passed"
