#!/usr/bin/env bash
# `make test-infra`: check the container image and the Terraform without AWS or Docker.
#   1. parse every .tf file with python-hcl2 and check key properties, and lint every Alembic
#      migration's PostgreSQL SQL with squawk (pytest tests/infra)
#   2. checkov on infrastructure/ and the Dockerfile: no failed check allowed
#   3. terraform fmt -check, when a terraform binary is installed (skipped with a notice if not);
#      with the AWS provider available offline too, terraform validate on every root and
#      terraform test (infrastructure/modules/stack/tests: plans with a mocked provider)
#   4. hadolint on the Dockerfile
# checkov, hadolint and squawk live in their own virtualenv, .venv-infra, built from requirements/infra.txt
# (checkov's dependencies conflict with the app's).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
INFRA_VENV=.venv-infra
STAMP="$INFRA_VENV/.installed-$(sha256sum requirements/infra.txt | cut -c1-16)"
failures=()

step() { printf '\n==> %s\n' "$*"; }

if [[ ! -f "$STAMP" ]]; then
  step "installing checkov, hadolint and squawk into $INFRA_VENV (requirements/infra.txt)"
  rm -rf "$INFRA_VENV"
  "$PYTHON" -m venv "$INFRA_VENV"
  "$INFRA_VENV/bin/python" -m pip install -q --upgrade pip
  "$INFRA_VENV/bin/python" -m pip install -q --require-virtualenv -r requirements/infra.txt
  touch "$STAMP"
fi

step "python-hcl2: the infrastructure's key properties; squawk: the migrations' SQL"
# Here squawk is installed, so its tests must run rather than skip.
if ! CAJA_REQUIRE_SQUAWK=1 .venv/bin/pytest tests/infra -q -p no:cacheprovider; then
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

step "terraform: fmt -check, validate, test (plan with a mocked AWS provider)"
# Providers: from a local filesystem mirror when there is one (TF_PLUGIN_MIRROR, default
# /opt/tf-plugins); with TF_PROVIDERS_ONLINE=1, downloaded from the registry as usual.
TF_PLUGIN_MIRROR=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
if command -v terraform >/dev/null 2>&1; then
  tf_work=$(mktemp -d)
  # Our own CLI configuration: fmt needs none, validate and test use the mirror if there is one.
  export TF_CLI_CONFIG_FILE="$tf_work/terraformrc" TF_IN_AUTOMATION=1
  : >"$TF_CLI_CONFIG_FILE"
  echo "$(terraform version | head -n1)"
  if terraform fmt -check -recursive -diff infrastructure; then
    echo "terraform fmt: all files formatted"
  else
    failures+=("terraform fmt")
  fi

  providers=""
  if [[ -d "$TF_PLUGIN_MIRROR/registry.terraform.io/hashicorp/aws" ]]; then
    printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' \
      "$TF_PLUGIN_MIRROR" >"$TF_CLI_CONFIG_FILE"
    providers="the local mirror $TF_PLUGIN_MIRROR"
  elif [[ "${TF_PROVIDERS_ONLINE:-}" == 1 ]]; then
    providers="the registry"
  fi
  if [[ -n "$providers" ]]; then
    echo "providers from $providers"
    # Work on a copy: init writes .terraform/ and lock files we do not want in the tree.
    cp -r infrastructure "$tf_work/"
    # The stack needs AWS provider 6 (ECS's native blue/green). Where the mirror has only
    # provider 5, validate and plan everything else with it: the lines between
    # "aws-provider-6:begin" and "aws-provider-6:end" (the blue/green arguments and the test
    # runs about them) are left out of the copy and the constraints lowered to 5. tests/infra
    # checks those arguments in the source either way.
    if [[ "$providers" != "the registry" ]] &&
      ! ls -d "$TF_PLUGIN_MIRROR"/registry.terraform.io/hashicorp/aws/6.* >/dev/null 2>&1; then
      echo "NOTE: no AWS provider 6 in $TF_PLUGIN_MIRROR (only $(ls "$TF_PLUGIN_MIRROR/registry.terraform.io/hashicorp/aws" | tr '\n' ' '))"
      echo "      so the blue/green arguments (aws-provider-6 blocks) are not validated or planned"
      echo "      by terraform here; put provider >= 6.6 in the mirror to check them too."
      find "$tf_work/infrastructure" \( -name '*.tf' -o -name '*.tftest.hcl' \) -print0 |
        xargs -0 sed -i -e '/aws-provider-6:begin/,/aws-provider-6:end/d' \
          -e 's/">= 6\.6\.0, < 7\.0\.0"/">= 5.80.0, < 7.0.0"/' -e 's/"~> 6\.6"/"~> 5.80"/'
    fi
    for root in shared environments/staging environments/production modules/stack; do
      dir="$tf_work/infrastructure/$root"
      if ! terraform -chdir="$dir" init -backend=false -input=false -no-color >"$tf_work/init.log" 2>&1; then
        cat "$tf_work/init.log"
        failures+=("terraform init $root")
        continue
      fi
      terraform -chdir="$dir" validate -no-color || failures+=("terraform validate $root")
    done
    terraform -chdir="$tf_work/infrastructure/modules/stack" test -no-color ||
      failures+=("terraform test modules/stack")
  else
    echo "SKIPPED: terraform validate and terraform test: the AWS provider cannot be downloaded"
    echo "         here and there is no local mirror at $TF_PLUGIN_MIRROR (set TF_PLUGIN_MIRROR,"
    echo "         or TF_PROVIDERS_ONLINE=1 where the registry is reachable)."
  fi
  rm -rf "$tf_work"
  unset TF_CLI_CONFIG_FILE
else
  echo "SKIPPED: terraform fmt -check, validate and test, because no 'terraform' binary is"
  echo "         installed on this machine (it cannot be downloaded here; install it to run them)."
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
