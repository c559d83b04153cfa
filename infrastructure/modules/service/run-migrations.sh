#!/usr/bin/env bash
# The release's database migrations, once: run the migration task (`caja-server migrate` in the
# new image) as a one-off Fargate task and wait for it to stop. Terraform runs this
# (terraform_data.migrations) before it changes the service; a non-zero exit fails the apply,
# so the new task set never starts and the running one keeps serving.
#
# Needs the AWS CLI and, for whoever applies, ecs:RunTask, ecs:DescribeTasks, ecs:StopTask and
# iam:PassRole on the task's two roles. Settings come from the environment (main.tf).
set -euo pipefail
: "${AWS_REGION:?}" "${CLUSTER:?}" "${TASK_DEFINITION:?}" "${SUBNETS:?}" "${SECURITY_GROUPS:?}"
timeout=${MIGRATION_TIMEOUT_SECONDS:-900}
poll=${MIGRATION_POLL_SECONDS:-10}
ecs() { aws ecs --region "$AWS_REGION" "$@"; }

task=$(ecs run-task --cluster "$CLUSTER" --launch-type FARGATE --count 1 \
  --task-definition "$TASK_DEFINITION" --started-by caja-migrations \
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNETS],securityGroups=[$SECURITY_GROUPS],assignPublicIp=DISABLED}" \
  --query 'tasks[0].taskArn' --output text)
if [[ -z $task || $task == None ]]; then
  echo "migrations: the task did not start (see the run-task failures above)" >&2
  exit 1
fi
echo "migrations: running $task"

deadline=$((SECONDS + timeout))
while :; do
  IFS=$'\t' read -r status code reason < <(ecs describe-tasks --cluster "$CLUSTER" --tasks "$task" \
    --query 'tasks[0].[lastStatus, containers[0].exitCode, stoppedReason]' --output text)
  [[ $status == STOPPED ]] && break
  if ((SECONDS >= deadline)); then
    ecs stop-task --cluster "$CLUSTER" --task "$task" --reason "migrations took over ${timeout}s" >/dev/null
    echo "migrations: still $status after ${timeout}s; stopped. The release stops here." >&2
    exit 1
  fi
  sleep "$poll"
done

if [[ $code != 0 ]]; then
  echo "migrations FAILED (exit code $code: $reason). The release stops here; the running" >&2
  echo "task set keeps serving. Logs: aws logs tail ${LOG_GROUP:-<log group>} --log-stream-name-prefix migrate" >&2
  exit 1
fi
echo "migrations: done"
