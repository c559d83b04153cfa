"""S3 + CloudFront with origin access control, and remote state with locking."""

from __future__ import annotations

from .tfconfig import (
    ENVIRONMENTS,
    INFRA,
    MODULES,
    data_sources,
    named_blocks,
    only,
    parse_dir,
    ref,
    resource,
    resources,
)

STATIC = MODULES / "static_assets"
SHARED = INFRA / "shared"


def test_the_assets_bucket_is_fully_private() -> None:
    block = resource(STATIC, "aws_s3_bucket_public_access_block", "assets")
    for setting in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert block[setting] is True, setting
    ownership = only(resource(STATIC, "aws_s3_bucket_ownership_controls", "assets")["rule"])
    assert ownership["object_ownership"] == "BucketOwnerEnforced"


def test_cloudfront_reads_the_bucket_through_origin_access_control() -> None:
    oac = resource(STATIC, "aws_cloudfront_origin_access_control", "assets")
    assert oac["origin_access_control_origin_type"] == "s3"
    assert oac["signing_behavior"] == "always"
    assert oac["signing_protocol"] == "sigv4"
    distribution = resource(STATIC, "aws_cloudfront_distribution", "assets")
    origin = only(distribution["origin"])
    assert ref(origin["origin_access_control_id"]) == (
        "aws_cloudfront_origin_access_control.assets.id"
    )
    assert "s3_origin_config" not in origin  # no legacy origin access identity


def test_only_this_distribution_may_read_the_bucket() -> None:
    policy = data_sources(STATIC, "aws_iam_policy_document")["assets"]
    statements = {s["sid"]: s for s in policy["statement"]}
    read = statements["CloudFrontReads"]
    assert read["actions"] == ["s3:GetObject"]
    assert only(read["principals"])["identifiers"] == ["cloudfront.amazonaws.com"]
    condition = only(read["condition"])
    assert condition["variable"] == "AWS:SourceArn"
    assert condition["values"] == ["${aws_cloudfront_distribution.assets.arn}"]
    assert statements["DenyInsecureTransport"]["effect"] == "Deny"


def test_viewers_get_https_with_a_modern_tls_minimum() -> None:
    distribution = resource(STATIC, "aws_cloudfront_distribution", "assets")
    behaviour = only(distribution["default_cache_behavior"])
    assert behaviour["viewer_protocol_policy"] == "redirect-to-https"
    certificate = only(distribution["viewer_certificate"])
    assert certificate["minimum_protocol_version"] == "TLSv1.2_2021"
    assert certificate["ssl_support_method"] == "sni-only"


def test_environments_keep_state_in_s3_locked_by_dynamodb() -> None:
    lock_table = named_blocks(SHARED, "variable")["lock_table_name"]["default"]
    for environment in ("staging", "production"):
        terraform = parse_dir(ENVIRONMENTS / environment)["terraform"][0]
        backend = only(terraform["backend"])["s3"]
        assert backend["encrypt"] is True
        assert backend["dynamodb_table"] == lock_table
        assert backend["key"] == f"caja/{environment}/terraform.tfstate"


def test_the_shared_bootstrap_makes_a_versioned_encrypted_bucket_and_a_lock_table() -> None:
    table = resource(SHARED, "aws_dynamodb_table", "locks")
    assert table["hash_key"] == "LockID"
    assert only(table["attribute"]) == {"name": "LockID", "type": "S"}
    assert only(table["point_in_time_recovery"])["enabled"] is True
    versioning = resource(SHARED, "aws_s3_bucket_versioning", "state")
    assert only(versioning["versioning_configuration"])["status"] == "Enabled"
    encryption = only(
        resource(SHARED, "aws_s3_bucket_server_side_encryption_configuration", "state")["rule"]
    )
    assert only(encryption["apply_server_side_encryption_by_default"])["sse_algorithm"] == "aws:kms"
    bucket = resource(SHARED, "aws_s3_bucket", "state")
    assert only(bucket["lifecycle"])["prevent_destroy"] is True


def test_images_are_immutable_and_scanned() -> None:
    repository = resource(SHARED, "aws_ecr_repository", "caja")
    assert repository["image_tag_mutability"] == "IMMUTABLE"
    assert only(repository["image_scanning_configuration"])["scan_on_push"] is True


def test_every_bucket_blocks_public_access() -> None:
    directories = [SHARED, *(p for p in MODULES.iterdir() if p.is_dir())]
    for directory in directories:
        buckets = resources(directory, "aws_s3_bucket")
        blocks = resources(directory, "aws_s3_bucket_public_access_block")
        covered = {ref(str(b["bucket"])).split(".")[1] for b in blocks.values()}
        assert set(buckets) == covered, f"{directory.name}: buckets without a public access block"
