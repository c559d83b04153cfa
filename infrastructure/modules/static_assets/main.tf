# CloudFront in front of the assets bucket. The web UI's files have content-hashed names, so they
# are cached for a long time at the edge; the app (behind the load balancer) keeps serving the
# HTML. Assets are loaded cross-origin from the app's pages, so CORS allows exactly that origin.

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_origin_request_policy" "cors_s3" {
  name = "Managed-CORS-S3Origin"
}

resource "aws_cloudfront_origin_access_control" "assets" {
  name                              = "${var.name}-assets"
  description                       = "CloudFront signs its requests to the assets bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "assets" {
  name    = "${var.name}-assets"
  comment = "CORS for the Caja app origin, plus security headers"

  cors_config {
    access_control_allow_credentials = false
    access_control_max_age_sec       = 86400
    origin_override                  = true

    access_control_allow_headers {
      items = ["*"]
    }
    access_control_allow_methods {
      items = ["GET", "HEAD"]
    }
    access_control_allow_origins {
      items = [var.app_origin]
    }
  }

  security_headers_config {
    content_type_options {
      override = true
    }
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
  }
}

resource "aws_cloudfront_distribution" "assets" {
  #checkov:skip=CKV_AWS_68:Serves only static, immutable build output from a private bucket; the dynamic app behind the load balancer has its own WAF.
  #checkov:skip=CKV2_AWS_47:Same: no application code runs behind this distribution, so a Log4j rule has nothing to protect.
  #checkov:skip=CKV_AWS_310:A single S3 origin (99.99% availability design); a failover origin would need replicated assets in a second region.
  #checkov:skip=CKV_AWS_374:Audiences join from anywhere; there is no country to block.
  enabled         = true
  is_ipv6_enabled = true
  comment         = "${var.name} static assets"
  aliases         = [var.domain_name]
  price_class     = var.price_class
  http_version    = "http2and3"

  origin {
    origin_id                = "assets"
    domain_name              = aws_s3_bucket.assets.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.assets.id
  }

  # Uploaded images (modules/media), when the stack has them: a second private bucket under
  # /media/*, read through the same origin access control.
  dynamic "origin" {
    for_each = var.media_origin == null ? [] : [var.media_origin]
    content {
      origin_id                = "media"
      domain_name              = origin.value.domain_name
      origin_access_control_id = aws_cloudfront_origin_access_control.assets.id
    }
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.media_origin == null ? [] : [var.media_origin]
    content {
      path_pattern               = ordered_cache_behavior.value.path_pattern
      target_origin_id           = "media"
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = false # images are compressed already
      cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
      response_headers_policy_id = aws_cloudfront_response_headers_policy.assets.id
    }
  }

  default_cache_behavior {
    target_origin_id           = "assets"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    origin_request_policy_id   = data.aws_cloudfront_origin_request_policy.cors_s3.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.assets.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  logging_config {
    bucket          = var.access_log_bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  default_root_object = "index.html"
}
