output "state_bucket" {
  description = "Pass to the environments: terraform init -backend-config=\"bucket=<this>\"."
  value       = aws_s3_bucket.state.bucket
}

output "lock_table" {
  description = "DynamoDB table that locks the state (named in the environments' backend blocks)."
  value       = aws_dynamodb_table.locks.name
}

output "repository_url" {
  description = "Push the Caja image here: <repository_url>:<tag>."
  value       = aws_ecr_repository.caja.repository_url
}

output "kms_key_arn" {
  description = "KMS key encrypting the state, the locks and the images."
  value       = aws_kms_key.state.arn
}
