# Uploaded images (quiz questions, poll options): a private bucket, encrypted with its own KMS key,
# served through the static assets' CloudFront distribution under /media/* (origin access
# control), and written by the app's ECS task role, which may put and get objects under the
# media prefix of this one bucket and nothing else. Names are content hashes: an object never
# changes once written, so CloudFront caches it for a year.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  objects   = "${aws_s3_bucket.media.arn}/${var.prefix}*"
  # The role's name is the last part of its ARN (roles may have a path).
  task_role_name = regex("[^/]+$", var.task_role_arn)
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource means this key only; write access is limited by the principals below.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource means this key only (AWS's documented default key policy).
  #checkov:skip=CKV_AWS_109:The account root statement is AWS's default key policy: it delegates key access to IAM policies.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudFrontDecrypts"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [var.distribution_arn]
    }
  }
}

resource "aws_kms_key" "media" {
  description             = "${var.name}: uploaded media bucket"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_s3_bucket" "media" {
  #checkov:skip=CKV_AWS_144:Uploads are versioned in the environment's region; replicating pictures to a second region is not worth its cost for a live-event tool.
  #checkov:skip=CKV2_AWS_62:Nothing needs to react to uploads: the app writes them and CloudFront reads them.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "media" {
  bucket = aws_s3_bucket.media.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "media" {
  bucket                  = aws_s3_bucket.media.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "media" {
  bucket = aws_s3_bucket.media.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "media" {
  bucket = aws_s3_bucket.media.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.media.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "media" {
  bucket        = aws_s3_bucket.media.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${var.bucket_name}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "media" {
  bucket = aws_s3_bucket.media.id

  # Objects are never overwritten (content-hashed names), so old versions only come from
  # deletes; they are kept a while in case a delete was a mistake.
  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "CloudFrontReadsMedia"
    actions   = ["s3:GetObject"]
    resources = [local.objects]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [var.distribution_arn]
    }
  }

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = [aws_s3_bucket.media.arn, "${aws_s3_bucket.media.arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "media" {
  bucket     = aws_s3_bucket.media.id
  policy     = data.aws_iam_policy_document.bucket.json
  depends_on = [aws_s3_bucket_public_access_block.media]
}

# The app's own permissions: exactly the media objects of this bucket, and this bucket's key
# only through S3.
data "aws_iam_policy_document" "task" {
  statement {
    sid       = "ReadAndWriteMedia"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = [local.objects]
  }

  statement {
    sid       = "EncryptMedia"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.media.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "task_media" {
  name   = "caja-media"
  role   = local.task_role_name
  policy = data.aws_iam_policy_document.task.json
}
