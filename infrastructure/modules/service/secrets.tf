# CAJA_SECRET_KEY: generated once, stored in Secrets Manager, injected by ECS at task start.
# (The value is also in the Terraform state, which is why the state bucket is KMS-encrypted and
# access to it is restricted; see infrastructure/shared.)

resource "random_password" "secret_key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "secret_key" {
  #checkov:skip=CKV2_AWS_57:Rotating CAJA_SECRET_KEY would invalidate every signed value at once mid-event; it is rotated by hand (docs/deploy.md) with a planned redeploy.
  name                    = "${var.name}/secret-key"
  description             = "CAJA_SECRET_KEY of ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret_version" "secret_key" {
  secret_id     = aws_secretsmanager_secret.secret_key.id
  secret_string = random_password.secret_key.result
}
