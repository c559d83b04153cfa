# CAJA_SECRET_KEY: generated once by Secrets Manager, stored there, injected by ECS at task start.
# (The value is also in the Terraform state, which is why the state bucket is KMS-encrypted and
# access to it is restricted; see infrastructure/shared.)

data "aws_secretsmanager_random_password" "secret_key" {
  password_length     = 64
  exclude_punctuation = true
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
  secret_string = data.aws_secretsmanager_random_password.secret_key.random_password

  lifecycle {
    # The data source draws a new password at every plan: keep the first one. Rotating the key
    # is a deliberate act (docs/deploy.md).
    ignore_changes = [secret_string]
  }
}
