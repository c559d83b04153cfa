"""The media bucket: private, encrypted, served by the static distribution under /media/*,
and the app's task role may put and get exactly the media objects of that bucket."""

from __future__ import annotations

from .tfconfig import MODULES, data_sources, named_blocks, only, parse_dir, ref, resource, resources

MEDIA = MODULES / "media"
STATIC = MODULES / "static_assets"
STACK = MODULES / "stack"


def test_the_media_bucket_is_private_encrypted_versioned_and_logged() -> None:
    block = resource(MEDIA, "aws_s3_bucket_public_access_block", "media")
    for setting in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert block[setting] is True, setting
    ownership = only(resource(MEDIA, "aws_s3_bucket_ownership_controls", "media")["rule"])
    assert ownership["object_ownership"] == "BucketOwnerEnforced"
    sse = resource(MEDIA, "aws_s3_bucket_server_side_encryption_configuration", "media")
    default = only(only(sse["rule"])["apply_server_side_encryption_by_default"])
    assert default["sse_algorithm"] == "aws:kms"
    assert ref(default["kms_master_key_id"]) == "aws_kms_key.media.arn"
    assert resource(MEDIA, "aws_kms_key", "media")["enable_key_rotation"] is True
    versioning = resource(MEDIA, "aws_s3_bucket_versioning", "media")
    assert only(versioning["versioning_configuration"])["status"] == "Enabled"
    assert resources(MEDIA, "aws_s3_bucket_logging")


def test_only_the_distribution_reads_and_only_over_tls() -> None:
    policy = data_sources(MEDIA, "aws_iam_policy_document")["bucket"]
    statements = {s["sid"]: s for s in policy["statement"]}
    read = statements["CloudFrontReadsMedia"]
    assert read["actions"] == ["s3:GetObject"]
    assert read["resources"] == ["${local.objects}"]
    assert only(read["principals"])["identifiers"] == ["cloudfront.amazonaws.com"]
    assert only(read["condition"])["values"] == ["${var.distribution_arn}"]
    assert statements["DenyInsecureTransport"]["effect"] == "Deny"


def test_the_task_role_gets_put_and_get_on_the_media_prefix_only() -> None:
    document = data_sources(MEDIA, "aws_iam_policy_document")["task"]
    statements = {s["sid"]: s for s in document["statement"]}
    assert set(statements) == {"ReadAndWriteMedia", "EncryptMedia"}
    objects = statements["ReadAndWriteMedia"]
    assert sorted(objects["actions"]) == ["s3:GetObject", "s3:PutObject"]
    assert objects["resources"] == ["${local.objects}"]
    locals_ = {k: v for block in parse_dir(MEDIA)["locals"] for k, v in block.items()}
    assert locals_["objects"] == "${aws_s3_bucket.media.arn}/${var.prefix}*"
    key = statements["EncryptMedia"]
    assert key["resources"] == ["${aws_kms_key.media.arn}"]
    assert only(key["condition"])["variable"] == "kms:ViaService"
    for document_name in ("task",):
        for statement in data_sources(MEDIA, "aws_iam_policy_document")[document_name]["statement"]:
            assert "*" not in statement["resources"]
    policy = resource(MEDIA, "aws_iam_role_policy", "task_media")
    assert ref(policy["policy"]) == "data.aws_iam_policy_document.task.json"


def test_the_stack_wires_media_to_the_task_role_the_distribution_and_the_app() -> None:
    media = named_blocks(STACK, "module")["media"]
    assert media["source"] == "../media"
    assert ref(media["task_role_arn"]) == "module.service.task_role_arn"
    assert ref(media["distribution_arn"]) == "module.static_assets.distribution_arn"
    static = named_blocks(STACK, "module")["static_assets"]
    assert "module.media.bucket_regional_domain_name" in str(static["media_origin"])
    service = named_blocks(STACK, "module")["service"]
    assert "module.media.environment" in str(service["extra_environment"])


def test_the_distribution_serves_media_under_its_path_with_origin_access_control() -> None:
    distribution = resource(STATIC, "aws_cloudfront_distribution", "assets")
    dynamic = {k: v for block in distribution["dynamic"] for k, v in block.items()}
    origin = only(dynamic["origin"]["content"])
    assert ref(origin["origin_access_control_id"]) == (
        "aws_cloudfront_origin_access_control.assets.id"
    )
    behavior = only(dynamic["ordered_cache_behavior"]["content"])
    assert behavior["target_origin_id"] == "media"
    assert behavior["viewer_protocol_policy"] == "redirect-to-https"
    assert behavior["allowed_methods"] == ["GET", "HEAD"]
