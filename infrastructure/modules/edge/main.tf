# CloudFront in front of the app's public host name. Nothing is cached except the shared live
# documents (GET /api/live/{sid}/{key}): their URL is the capability (192 random bits tied to
# the session, its current activity and the visibility variant), their bytes are the same for
# everyone holding it, and the app marks them `public, max-age=1` with a strong ETag. So the
# cache key is the path and `?lang` only, no header or cookie is forwarded to the origin on
# that path (the route reads none), and nothing is kept longer than a second. Every other
# path, the personal document (`private, no-store`) and the presenter's state included, goes
# to the load balancer uncached with everything the viewer sent.

data "aws_cloudfront_cache_policy" "disabled" {
  name = "Managed-CachingDisabled"
}

data "aws_cloudfront_origin_request_policy" "all_viewer" {
  name = "Managed-AllViewer"
}

resource "aws_cloudfront_cache_policy" "live" {
  name        = "${var.name}-live-documents"
  comment     = "Caja shared live documents: the path and ?lang, at most 1 s"
  min_ttl     = 0
  default_ttl = 1
  max_ttl     = 1

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    cookies_config {
      cookie_behavior = "none"
    }
    # The document is the same in every language today; `lang` (a query parameter) is the
    # key the app reserves for when it is not, so no Accept-Language in the key.
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "whitelist"
      query_strings {
        items = ["lang"]
      }
    }
  }
}

resource "aws_cloudfront_distribution" "app" {
  #checkov:skip=CKV_AWS_68:The load balancer behind it has the app's WAF; this distribution adds a cache, not a new entry point.
  #checkov:skip=CKV2_AWS_47:Same WAF as the load balancer.
  #checkov:skip=CKV_AWS_310:One origin, the load balancer across every availability zone.
  #checkov:skip=CKV_AWS_374:Audiences join from anywhere; there is no country to block.
  #checkov:skip=CKV2_AWS_32:The app sends its own security headers (CSP and the rest) on every response.
  #checkov:skip=CKV_AWS_305:The origin is the app: it answers / itself.
  enabled         = true
  is_ipv6_enabled = true
  comment         = "${var.name} app: the shared live documents cached for 1 s"
  aliases         = [var.domain_name]
  price_class     = var.price_class
  http_version    = "http2and3"

  origin {
    origin_id   = "app"
    domain_name = var.origin_hostname
    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "https-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_keepalive_timeout = 60
      origin_read_timeout      = 30
    }
  }

  ordered_cache_behavior {
    path_pattern           = var.live_path_pattern
    target_origin_id       = "app"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    cache_policy_id        = aws_cloudfront_cache_policy.live.id
    # No origin request policy: only what is in the cache key reaches the origin.
  }

  default_cache_behavior {
    target_origin_id         = "app"
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods           = ["GET", "HEAD"]
    compress                 = true
    cache_policy_id          = data.aws_cloudfront_cache_policy.disabled.id
    origin_request_policy_id = data.aws_cloudfront_origin_request_policy.all_viewer.id
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
    prefix          = "cloudfront-app/"
    include_cookies = false
  }
}
