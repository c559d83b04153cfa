# `terraform test` for the whole stack with a mocked AWS provider: no account, no credentials.
# It plans every module together (so the wiring, the subnet maths and the conditionals are
# evaluated for real) and checks that the input validations refuse what they should.
# Run by scripts/check-infra.sh when terraform and the AWS provider are available offline.

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
      zone_ids = ["euc1-az2", "euc1-az3", "euc1-az1"]
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-central-1"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::054676820928:root"
    }
  }
  mock_resource "aws_db_instance" {
    defaults = {
      address = "caja-production.abc.eu-central-1.rds.amazonaws.com"
      master_user_secret = [{
        secret_arn    = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1"
        kms_key_id    = "k"
        secret_status = "active"
      }]
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-central-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  environment             = "production"
  vpc_cidr                = "10.50.0.0/16"
  az_count                = 3
  public_hostname         = "caja.example.org"
  certificate_arn         = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  static_hostname         = "static.caja.example.org"
  static_certificate_arn  = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  image                   = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/caja:0.1.0"
  database_instance_class = "db.m7g.large"
}

run "production_plans" {
  command = plan

  assert {
    condition     = output.public_url == "https://caja.example.org"
    error_message = "public_url is built from public_hostname"
  }

  assert {
    condition     = length(output.private_subnet_ids) == 3
    error_message = "one private subnet per availability zone"
  }

  assert {
    condition     = output.static_base_url == "https://static.caja.example.org/"
    error_message = "the static base URL follows static_hostname"
  }

  assert {
    condition     = module.media.environment["CAJA_MEDIA_URL"] == "https://static.caja.example.org/media"
    error_message = "uploaded images are served by the static distribution under /media"
  }

  assert {
    condition     = module.media.path_pattern == "media/*" && module.media.environment["CAJA_MEDIA_S3_PREFIX"] == "media/"
    error_message = "the distribution's media path and the app's key prefix agree"
  }
}

run "production_database_is_protected_even_if_asked_not_to_be" {
  command = plan

  variables {
    database_deletion_protection = false
  }

  assert {
    condition     = module.database.deletion_protected == true
    error_message = "production must keep deletion protection whatever the variable says"
  }
}

run "staging_may_drop_deletion_protection" {
  command = plan

  variables {
    environment                  = "staging"
    vpc_cidr                     = "10.40.0.0/16"
    az_count                     = 2
    single_nat_gateway           = true
    database_deletion_protection = false
    force_destroy_buckets        = true
  }

  assert {
    condition     = module.database.deletion_protected == false
    error_message = "staging follows the variable"
  }

  assert {
    condition     = length(output.private_subnet_ids) == 2
    error_message = "two zones in staging"
  }
}

run "production_refuses_force_destroy" {
  command = plan

  variables {
    force_destroy_buckets = true
  }

  expect_failures = [var.force_destroy_buckets]
}

run "latest_tag_is_refused" {
  command = plan

  module {
    source = "../service"
  }

  variables {
    name                         = "caja-production"
    image                        = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/caja:latest"
    subnet_ids                   = ["subnet-1", "subnet-2"]
    security_group_id            = "sg-1"
    target_group_arn             = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/x/1"
    alternate_target_group_arn   = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/y/2"
    production_listener_rule_arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/x/1/2/3"
    test_listener_rule_arn       = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/x/1/4/5"
    listener_arn                 = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/x/1/2"
    public_url                   = "https://caja.example.org"
    trusted_proxy_cidrs          = ["10.50.0.0/20"]
    database                     = { host = "db", port = 5432, name = "caja", username = "caja" }
    database_password_secret_arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1"
    kms_key_arn                  = "arn:aws:kms:eu-central-1:123456789012:key/1"
  }

  expect_failures = [var.image]
}

run "forwarded_headers_are_never_trusted_from_everywhere" {
  command = plan

  module {
    source = "../service"
  }

  variables {
    name                         = "caja-production"
    subnet_ids                   = ["subnet-1", "subnet-2"]
    security_group_id            = "sg-1"
    target_group_arn             = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/x/1"
    alternate_target_group_arn   = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/y/2"
    production_listener_rule_arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/x/1/2/3"
    test_listener_rule_arn       = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/x/1/4/5"
    listener_arn                 = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/x/1/2"
    public_url                   = "https://caja.example.org"
    trusted_proxy_cidrs          = ["0.0.0.0/0"]
    database                     = { host = "db", port = 5432, name = "caja", username = "caja" }
    database_password_secret_arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1"
    kms_key_arn                  = "arn:aws:kms:eu-central-1:123456789012:key/1"
  }

  expect_failures = [var.trusted_proxy_cidrs]
}

run "cloudfront_certificate_must_be_in_us_east_1" {
  command = plan

  module {
    source = "../static_assets"
  }

  variables {
    name                          = "caja-production"
    bucket_name                   = "caja-production-assets-123456789012"
    domain_name                   = "static.caja.example.org"
    certificate_arn               = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    app_origin                    = "https://caja.example.org"
    access_log_bucket             = "caja-production-access-logs-123456789012"
    access_log_bucket_domain_name = "caja-production-access-logs-123456789012.s3.amazonaws.com"
  }

  expect_failures = [var.certificate_arn]
}

run "idle_timeout_must_stay_below_the_app_keep_alive" {
  command = plan

  module {
    source = "../load_balancer"
  }

  variables {
    name                 = "caja-production"
    vpc_id               = "vpc-1"
    public_subnet_ids    = ["subnet-1", "subnet-2"]
    security_group_id    = "sg-1"
    access_log_bucket    = "logs"
    kms_key_arn          = "arn:aws:kms:eu-central-1:123456789012:key/1"
    idle_timeout_seconds = 90
  }

  expect_failures = [var.idle_timeout_seconds]
}

run "hostname_without_scheme" {
  command = plan

  variables {
    public_hostname = "https://caja.example.org"
  }

  expect_failures = [var.public_hostname]
}

# ---- blue/green ----

run "the_load_balancer_has_two_target_groups_and_the_rules_ecs_moves" {
  command = plan

  assert {
    condition     = module.load_balancer.test_listener_port == 8443
    error_message = "the test listener is on its own port"
  }

  assert {
    condition     = output.test_listener_url == "https://caja.example.org:8443"
    error_message = "the release being deployed answers on the test listener's port"
  }

  assert {
    condition     = length(module.monitoring.deployment_alarm_names) == 4
    error_message = "5xx (app and load balancer), response time and healthy tasks roll a deployment back"
  }
}

run "service_deploys_blue_green" {
  command = plan

  module {
    source = "../service"
  }

  variables {
    name                         = "caja-production"
    image                        = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/caja:0.1.0"
    subnet_ids                   = ["subnet-1", "subnet-2"]
    security_group_id            = "sg-1"
    target_group_arn             = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/caja-production-app/1"
    alternate_target_group_arn   = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/caja-production-alt/2"
    production_listener_rule_arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/x/1/2/3"
    test_listener_rule_arn       = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/x/1/4/5"
    listener_arn                 = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/x/1/2"
    public_url                   = "https://caja.example.org"
    trusted_proxy_cidrs          = ["10.50.0.0/20"]
    database                     = { host = "db", port = 5432, name = "caja", username = "caja" }
    database_password_secret_arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1"
    kms_key_arn                  = "arn:aws:kms:eu-central-1:123456789012:key/1"
    deployment_alarm_names       = ["caja-production-app-5xx"]
  }

  assert {
    condition     = aws_ecs_service.app.deployment_controller[0].type == "ECS"
    error_message = "ECS's own deployment controller: no CodeDeploy"
  }

  assert {
    condition     = aws_ecs_service.app.alarms[0].rollback && aws_ecs_service.app.alarms[0].alarm_names == toset(["caja-production-app-5xx"])
    error_message = "the deployment alarms roll a deployment back"
  }

  assert {
    condition     = aws_iam_role_policy_attachment.load_balancer.policy_arn == "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
    error_message = "ECS shifts traffic with the role AWS made for it"
  }

  # aws-provider-6:begin
  assert {
    condition     = aws_ecs_service.app.deployment_configuration[0].strategy == "BLUE_GREEN" && tostring(aws_ecs_service.app.deployment_configuration[0].bake_time_in_minutes) == "10"
    error_message = "native blue/green with a ten-minute bake time"
  }

  assert {
    condition     = aws_ecs_service.app.load_balancer[0].advanced_configuration[0].alternate_target_group_arn == var.alternate_target_group_arn && aws_ecs_service.app.load_balancer[0].advanced_configuration[0].test_listener_rule == var.test_listener_rule_arn
    error_message = "the service knows the alternate target group and both listener rules"
  }
  # aws-provider-6:end
}

run "bake_time_must_be_whole_minutes" {
  command = plan

  variables {
    bake_time_minutes = 0
  }

  expect_failures = [var.bake_time_minutes]
}

run "the_test_listener_is_never_open_to_everyone" {
  command = plan

  variables {
    test_listener_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.test_listener_cidrs]
}

run "both_task_sets_of_a_deployment_fit_in_the_database_connections" {
  command = plan

  variables {
    max_tasks                = 20
    database_max_connections = 800
    database_pool_size       = 12
  }

  expect_failures = [var.database_max_connections]
}

run "no_edge_unless_asked" {
  command = plan

  assert {
    condition     = length(module.edge) == 0 && output.edge_domain_name == null
    error_message = "without edge the load balancer serves the public host name itself"
  }
}

run "the_edge_caches_only_the_shared_live_documents_for_a_second" {
  command = plan

  variables {
    edge = {
      origin_hostname = "origin.caja.example.org"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    }
  }

  assert {
    condition     = module.edge[0].live_cache.path_pattern == "/api/live/*"
    error_message = "the shared live documents are the cached behaviour"
  }

  assert {
    condition = (
      module.edge[0].live_cache.min_ttl == 0 && module.edge[0].live_cache.default_ttl == 1 &&
      module.edge[0].live_cache.max_ttl == 1
    )
    error_message = "kept at most one second, whatever the origin says"
  }

  assert {
    condition = (
      module.edge[0].live_cache.headers == "none" && module.edge[0].live_cache.cookies == "none" &&
      toset(module.edge[0].live_cache.query_strings) == toset(["lang"])
    )
    error_message = "keyed on the path and ?lang only: no credentials, cookies or other headers in the key or sent to the origin"
  }
}

run "edge_certificate_must_be_in_us_east_1" {
  command = plan

  variables {
    edge = {
      origin_hostname = "origin.caja.example.org"
      certificate_arn = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    }
  }

  expect_failures = [var.edge]
}
